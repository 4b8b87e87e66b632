// The loopback double of the arXiv query API lives in src so benchmarks can use it too.
export * from "../../src/collect/fake-arxiv";
