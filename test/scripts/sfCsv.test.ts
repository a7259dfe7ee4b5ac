import { describe, expect, it } from "vitest";
import { CsvError, parseCsv, readCsvTable } from "../../server/scripts/sf/csv";

describe("parseCsv (RFC 4180)", () => {
  it("splits records on CRLF and LF and keeps empty fields", () => {
    expect(parseCsv("a,b,c\r\n1,,3\n,,\n")).toEqual([
      ["a", "b", "c"],
      ["1", "", "3"],
      ["", "", ""],
    ]);
  });

  it("reads a quoted field holding commas, as DataSF writes Location", () => {
    expect(parseCsv('id,Location\n1,"(37.7458, -122.4566)"\n')).toEqual([
      ["id", "Location"],
      ["1", "(37.7458, -122.4566)"],
    ]);
  });

  it('unescapes doubled quotes and keeps line breaks inside quotes', () => {
    expect(parseCsv('a,b\n"say ""hi""","two\r\nlines"\n')).toEqual([
      ["a", "b"],
      ['say "hi"', "two\r\nlines"],
    ]);
  });

  it("accepts a byte-order mark, a missing final line break and a trailing comma", () => {
    expect(parseCsv("\uFEFFa,b\n1,")).toEqual([
      ["a", "b"],
      ["1", ""],
    ]);
  });

  it("reads an empty quoted field as empty", () => {
    expect(parseCsv('a,"",c\n')).toEqual([["a", "", "c"]]);
  });

  it("keeps a stray quote inside an unquoted field as text", () => {
    expect(parseCsv('a,5" pipe,c\n')).toEqual([["a", '5" pipe', "c"]]);
  });

  it("refuses an unterminated quoted field and says on which line it started", () => {
    expect(() => parseCsv('a,b\n1,"open\n2,3\n')).toThrow(CsvError);
    expect(() => parseCsv('a,b\n1,"open\n2,3\n')).toThrow(/line 2/);
  });

  it("refuses text after a closing quote", () => {
    expect(() => parseCsv('"a"b,c\n')).toThrow(/after a closing quote/);
  });
});

describe("readCsvTable", () => {
  it("keys rows by header, skips blank lines and reports rows with the wrong field count", () => {
    const table = readCsvTable("x,y\n1,2\n\n3\n4,5\n");
    expect(table.header).toEqual(["x", "y"]);
    expect(table.rows).toEqual([
      { record: 2, values: { x: "1", y: "2" } },
      { record: 5, values: { x: "4", y: "5" } },
    ]);
    expect(table.malformed).toEqual([{ record: 4, fields: 1 }]);
  });
});
