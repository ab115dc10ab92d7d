import SonghotiCore
import Testing

@Suite("Search terms and CSV cells")
struct SearchAndExportTests {
    @Test func banglaWordsKeepTheirVowelSignsAndViramas() {
        let terms = SearchTerms("শ্রমিকেরা মজুরি পায়নি! Unpaid WAGES, unpaid")
        #expect(terms.words == ["শ্রমিকেরা", "মজুরি", "পায়নি", "unpaid", "wages"])
    }

    @Test func queriesCannotInjectOperators() {
        let terms = SearchTerms(#"wages" OR "x NEAR( it's"#)
        #expect(terms.words == ["wages", "or", "x", "near", "it", "s"])
        #expect(terms.fts5Query == #""wages"* "or"* "x"* "near"* "it"* "s"*"#)
        #expect(SearchTerms("it's").tsQuery == "'it':* & 's':*")
        #expect(SearchTerms("   ").isEmpty)
        #expect(SearchTerms(String(repeating: "word ", count: 3) + (1...20).map { "w\($0)" }.joined(separator: " ")).words.count == SearchTerms.maximumWords)
    }

    @Test func excerptsCentreOnTheFirstWordFound() {
        let text = String(repeating: "x ", count: 100) + "unpaid wages for August" + String(repeating: " y", count: 100)
        let excerpt = SearchTerms("wages").excerpt(of: text)
        #expect(excerpt.contains("unpaid wages for August"))
        #expect(excerpt.hasPrefix("…") && excerpt.hasSuffix("…"))
    }

    @Test(arguments: ["=1+1", "+1", "-2", "@SUM(A1)", "\tx", "\rx", "＝1"])
    func formulaCellsAreWrittenAsText(_ value: String) {
        let cell = CSVTable.cell(value)
        #expect(cell.hasPrefix("'") || cell.hasPrefix("\"'"))
    }

    @Test func quotingFollowsRFC4180() {
        #expect(CSVTable.cell("plain") == "plain")
        #expect(CSVTable.cell("a,b") == "\"a,b\"")
        #expect(CSVTable.cell("say \"hi\"") == "\"say \"\"hi\"\"\"")
        #expect(CSVTable.cell("two\nlines") == "\"two\nlines\"")
        var table = CSVTable(header: ["a", "b"])
        table.append(["১", "=x"])
        #expect(table.text == "a,b\r\n১,'=x\r\n")
        #expect(table.data.prefix(3) == [0xEF, 0xBB, 0xBF])
    }
}
