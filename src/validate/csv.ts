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

/**
 * Spreadsheet formula injection: a cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage
 * return (or their full-width forms) is run as a formula by Excel, LibreOffice and Google Sheets. On
 * export such a cell gets a leading apostrophe (as csv-stringify's `escape_formulas` does), which
 * spreadsheets show as text and do not save back; a cell that already starts with apostrophes before
 * such a character gets one more, so {@link unescapeFormula} restores every value exactly.
 */
const FORMULA_START = /^'*[=+\-@\t\r\uff1d\uff0b\uff0d\uff20]/;
const ESCAPED_FORMULA = /^'+[=+\-@\t\r\uff1d\uff0b\uff0d\uff20]/;

export function escapeFormula(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

export function unescapeFormula(text: string): string {
  return ESCAPED_FORMULA.test(text) ? text.slice(1) : text;
}
