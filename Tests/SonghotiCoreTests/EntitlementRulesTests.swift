import Foundation
import SonghotiCore
import Testing

/// The rules files are checked when they are loaded; a bad one is refused with the file and the rule named.
@Suite("Entitlement rules files")
struct EntitlementRulesTests {
    @Test func theShippedRulesLoad() throws {
        let book = try ShippedRules.book()
        #expect(Set(book.regimes.keys) == ["bd-bla", "bd-epz", "kh-labour"])
        #expect(book.tables.map(\.id).sorted() == ["bd-rmg-2013", "bd-rmg-2018", "bd-rmg-2023", "kh-tgf"])
        #expect(book.digest.count == 64)
        // Versions either side of the Ordinance of 17 November 2025.
        #expect(book.rule("bd-bla", "termination.resignation", on: CivilDate("2025-11-16")!)?.id == "bd-bla.resignation.s27.2013")
        #expect(book.rule("bd-bla", "termination.resignation", on: CivilDate("2025-11-17")!)?.id == "bd-bla.resignation.s27.2025")
        #expect(book.rule("bd-bla", "termination.resignation", on: CivilDate("2013-07-21")!) == nil)
        #expect(book.table("bd-bla", sector: "garment", on: CivilDate("2023-11-30")!)?.id == "bd-rmg-2018")
        #expect(book.table("bd-bla", sector: "garment", on: CivilDate("2023-12-01")!)?.id == "bd-rmg-2023")
    }

    @Test func theDigestChangesWhenARuleChanges() throws {
        let original = try ShippedRules.book().digest
        let edited = try RuleBook.load(files: ShippedRules.files(editing: "bd-bla.json") { $0.replacingOccurrences(of: "\"leave_days\": 112", with: "\"leave_days\": 113") })
        #expect(edited.digest != original)
        #expect(edited.rule("bd-bla", "maternity.benefit", on: CivilDate("2025-01-01")!)?.integer("leave_days") == 113)
    }

    struct Broken: Sendable, CustomTestStringConvertible {
        let what: String
        let file: String
        let find: String
        let replace: String
        let item: String?
        let message: String
        var testDescription: String { what }
    }

    static let broken: [Broken] = [
        Broken(what: "gap between versions", file: "bd-bla.json", find: "\"valid_from\": \"2025-11-17\", \"valid_to\": null,\n      \"parameters\": {\n        \"notice_by\": \"worker\"",
               replace: "\"valid_from\": \"2025-11-18\", \"valid_to\": null,\n      \"parameters\": {\n        \"notice_by\": \"worker\"",
               item: "bd-bla.resignation.s27.2025", message: "leaving a gap"),
        Broken(what: "overlapping versions", file: "bd-bla.json", find: "\"valid_from\": \"2025-11-17\", \"valid_to\": null,\n      \"parameters\": {\n        \"notice_by\": \"worker\"",
               replace: "\"valid_from\": \"2025-11-01\", \"valid_to\": null,\n      \"parameters\": {\n        \"notice_by\": \"worker\"",
               item: "bd-bla.resignation.s27.2025", message: "overlapping"),
        Broken(what: "unknown field", file: "bd-bla.json", find: "\"id\": \"bd-bla.overtime.s108\",", replace: "\"id\": \"bd-bla.overtime.s108\", \"multiplyer\": 2,",
               item: "bd-bla.overtime.s108", message: "unknown field \"multiplyer\""),
        Broken(what: "unknown parameter", file: "bd-bla.json", find: "\"multiplier\": \"2\"", replace: "\"multiplyer\": \"2\"",
               item: "bd-bla.overtime.s108", message: "unknown parameter \"multiplyer\""),
        Broken(what: "missing provision", file: "bd-bla.json", find: "\"provision\": \"Bangladesh Labour Act 2006, s.108(1)\",", replace: "",
               item: "bd-bla.overtime.s108", message: "missing \"provision\""),
        Broken(what: "source not a web address", file: "kh-labour.json", find: "\"source\": \"https://www.nitesastra.com/overtime-under-cambodian-labour-law/\"",
               replace: "\"source\": \"a blog\"", item: "kh-labour.overtime.art139", message: "missing citation"),
        Broken(what: "status other than V, S, U", file: "bd-bla.json", find: "\"status\": \"U\",\n      \"rounding\": \"half_up\",\n      \"note\": \"The hourly rate",
               replace: "\"status\": \"maybe\",\n      \"rounding\": \"half_up\",\n      \"note\": \"The hourly rate", item: "bd-bla.hourly-divisor.practice", message: "\"status\""),
        Broken(what: "unknown kind", file: "bd-epz.json", find: "\"kind\": \"maternity.exclusion\"", replace: "\"kind\": \"maternity.exclusions\"",
               item: "bd-epz.maternity-exclusion.s30", message: "unknown kind"),
        Broken(what: "grade that does not add up", file: "minimum-wages.json", find: "\"gross\": \"13025\"", replace: "\"gross\": \"13000\"",
               item: "bd-rmg-2023", message: "grade 4"),
        Broken(what: "id used twice", file: "kh-labour.json", find: "\"id\": \"kh-labour.leave-pay.art167\"", replace: "\"id\": \"kh-labour.overtime.art139\"",
               item: "kh-labour.overtime.art139", message: "used twice"),
        Broken(what: "a table series with a gap", file: "minimum-wages.json", find: "\"valid_from\": \"2023-12-01\",\n      \"valid_to\": null,\n      \"house_rent",
               replace: "\"valid_from\": \"2024-01-01\",\n      \"valid_to\": null,\n      \"house_rent", item: "bd-rmg-2023", message: "gap"),
        Broken(what: "not JSON", file: "bd-epz.json", find: "\"rules\": [", replace: "\"rules\": [[", item: nil, message: "not valid JSON"),
    ]

    @Test(arguments: broken)
    func aBrokenFileIsRefusedNamingTheRule(_ broken: Broken) throws {
        let files = try ShippedRules.files(editing: broken.file) { text in
            #expect(text.contains(broken.find), "the test's search text is not in \(broken.file)")
            return text.replacingOccurrences(of: broken.find, with: broken.replace)
        }
        do {
            _ = try RuleBook.load(files: files)
            Issue.record("\(broken.what) was accepted")
        } catch {
            #expect(error.file == broken.file)
            #expect(error.item == broken.item, "\(error)")
            #expect(error.description.contains(broken.message), "\(error)")
        }
    }
}
