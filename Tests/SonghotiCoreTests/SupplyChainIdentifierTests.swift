import SonghotiCore
import Testing

@Suite("Supply chain: OS IDs, countries, worker bands")
struct SupplyChainIdentifierTests {
    @Test func osIDChecksumFollowsOpenSupplyHub() {
        // Open Supply Hub's docstring shape "IN 2019067 X1K87 E": by its own algorithm the check symbol is G.
        #expect(OpenSupplyHubID.checkCharacter(forFirst14: "IN2019067X1K87") == "G")
        #expect(OpenSupplyHubID.normalise("IN2019067X1K87G") == "IN2019067X1K87G")
        #expect(OpenSupplyHubID.problem("IN2019067X1K87E") == .checkCharacter)
        // Real IDs from Open Supply Hub's 2022 facility download.
        for id in ["AE20220878C91ZR", "AF2022087BJE8EX", "AL2022046Y0ND85", "AL20220874YKKCP"] {
            #expect(OpenSupplyHubID.normalise(id) == id)
            #expect(OpenSupplyHubID.problem(id) == nil)
        }
    }

    @Test func osIDIsReadAsPeopleWriteIt() {
        #expect(OpenSupplyHubID.normalise(" in 2019067 x1k87 g ") == "IN2019067X1K87G")
        #expect(OpenSupplyHubID.normalise("IN-2019067-X1K87-G") == "IN2019067X1K87G")
        #expect(OpenSupplyHubID.problem("IN2019067X1K87") == .length)
        #expect(OpenSupplyHubID.problem("") == .length)
        #expect(OpenSupplyHubID.problem("1N2019067X1K87G") == .format)
        #expect(OpenSupplyHubID.problem("IN20190A7X1K87G") == .format)
        #expect(OpenSupplyHubID.problem("IN2019067X1KO7G") == .format)   // O is not a Crockford symbol
        #expect(OpenSupplyHubID.problem("AE20220878C91ZS") == .checkCharacter)
        #expect(OpenSupplyHubIDProblem.checkCharacter.rawValue == "checkCharacter")
    }

    @Test func countriesFromNamesCodesAndVariants() {
        let cases: [(String, String)] = [
            ("Bangladesh", "BD"), ("BANGLADESH", "BD"), (" bangladesh ", "BD"), ("BD", "BD"), ("bgd", "BD"),
            ("Viet Nam", "VN"), ("Vietnam", "VN"), ("VIETNAM", "VN"), ("UK", "GB"), ("United Kingdom", "GB"),
            ("Türkiye", "TR"), ("Turkey", "TR"), ("Turkiye", "TR"), ("Korea, Republic of", "KR"), ("South Korea", "KR"),
            ("USA", "US"), ("United States", "US"), ("Myanmar (Burma)", "MM"), ("Côte d'Ivoire", "CI"),
            ("Ivory Coast", "CI"), ("Hong Kong SAR", "HK"), ("Taiwan", "TW"), ("Kingdom of Cambodia", "KH"),
            ("Sri Lanka", "LK"), ("El Salvador", "SV"), ("Bosnia & Herzegovina", "BA"), ("Kosovo", "XK"),
        ]
        for (raw, code) in cases { #expect(Countries.isoCode(for: raw) == code, "\(raw)") }
        #expect(Countries.isoCode(for: "Atlantis") == nil)
        #expect(Countries.isoCode(for: "") == nil)
        #expect(Countries.isoCode(for: "XX") == nil)
        #expect(Countries.englishName(for: "bd") == "Bangladesh")
        #expect(Countries.englishName(for: "KH") == "Cambodia")
        #expect(Countries.englishName(for: "ZZ") == nil)
        #expect(Countries.allCodes.count >= 249)
        #expect(Countries.allCodes == Countries.allCodes.sorted())
    }

    @Test func workerBandsFromWhatListsWrite() {
        let cases: [(String, WorkerCountBand)] = [
            ("350", .under1000), ("100-150", .under1000), ("1000", .under1000), ("<1000", .under1000),
            ("Less than 1000", .under1000), ("under 1,000", .under1000), ("1001-5000", .from1001To5000),
            ("1001 to 5000", .from1001To5000), ("approx. 1,200 workers", .from1001To5000), ("2.500", .from1001To5000),
            ("5001-10000", .from5001To10000), ("10 000", .from5001To10000), ("10000+", .over10000),
            (">10000", .over10000), ("More than 10,000", .over10000), ("12000", .over10000), ("৩৫০", .under1000),
            ("1001_5000", .from1001To5000),
        ]
        for (raw, band) in cases { #expect(WorkerCountBand(parsing: raw) == band, "\(raw)") }
        #expect(WorkerCountBand(parsing: "") == nil)
        #expect(WorkerCountBand(parsing: "many") == nil)
        #expect(WorkerCountBand(parsing: "-5") == nil)
    }
}
