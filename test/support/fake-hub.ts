// The loopback double of the Hugging Face Hub lives in src so benchmarks can use it too.
export * from "../../src/collect/fake-hub";
