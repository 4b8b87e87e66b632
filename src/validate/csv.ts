/**
 * A small RFC 4180 CSV reader (quoted fields, doubled quotes, CR/LF inside quotes), the inverse of
 * `rowsToCsv`. Annotation sheets come back from spreadsheets, so a BOM and CRLF line ends are accepted.
 */

export interface CsvRecord {
  /** 1-based line number where the record starts, as a spreadsheet user would count it. */
  line: number;
  cells: string[];
}

export function parseCsv(text: string): CsvRecord[] {
  const src = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const records: CsvRecord[] = [];
  let cells: string[] = [];
  let cell = "";
  let quoted = false;
  let line = 1;
  let recordLine = 1;
  let fieldStarted = false;
  for (let i = 0; i < src.length; i++) {
    const ch = src[i]!;
    if (quoted) {
      if (ch === '"') {
        if (src[i + 1] === '"') {
          cell += '"';
          i++;
        } else quoted = false;
      } else {
        if (ch === "\n") line++;
        cell += ch;
      }
      continue;
    }
    if (ch === '"' && cell === "") {
      quoted = true;
      fieldStarted = true;
    } else if (ch === ",") {
      cells.push(cell);
      cell = "";
      fieldStarted = true;
    } else if (ch === "\n" || ch === "\r") {
      if (ch === "\r" && src[i + 1] === "\n") i++;
      cells.push(cell);
      if (!(cells.length === 1 && cells[0] === "" && !fieldStarted)) records.push({ line: recordLine, cells });
      cells = [];
      cell = "";
      fieldStarted = false;
      line++;
      recordLine = line;
    } else {
      cell += ch;
      fieldStarted = true;
    }
  }
  if (quoted) throw new Error(`CSV: unterminated quoted field starting on line ${recordLine}`);
  if (cell !== "" || cells.length > 0 || fieldStarted) {
    cells.push(cell);
    records.push({ line: recordLine, cells });
  }
  return records;
}
