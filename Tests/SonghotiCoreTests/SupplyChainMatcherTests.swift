import SonghotiCore
import Testing

@Suite("Supply chain: factory matching")
struct SupplyChainMatcherTests {
    static let registry = [
        MatchCandidateRecord(id: "epyllion", countryCode: "BD", names: ["Epyllion Style Ltd."],
                             addresses: ["Nayapara, Vhawal Mirzapur, Gazipur Sadar, Gazipur"], osID: nil),
        MatchCandidateRecord(id: "easy-on", countryCode: "CN", names: ["ZhongShan Easy On Garment Manufactory Co. Ltd."],
                             addresses: ["No. 9, Xingye Road, Xinxu District, Sanxiang Town, Zhongshan City, Guangdong Province"], osID: nil),
        MatchCandidateRecord(id: "jeans-3", countryCode: "IN", names: ["Jeans Knit Private Ltd Unit 3"],
                             addresses: ["No 34/A, II Phase, Peenya Industrial Area, Bangalore, 561028"], osID: nil),
        MatchCandidateRecord(id: "akh", countryCode: "BD", names: ["AKH Apparels Ltd", "A.K.H. Apparels"],
                             addresses: ["128 Hamayetpur PS-Savar Dhaka-1340"], osID: "IN2019067X1K87G"),
        MatchCandidateRecord(id: "felix-1", countryCode: "TN", names: ["Felix"],
                             addresses: ["Lot 10 Z.I. Utique 7060 Bizerte"], osID: nil),
        MatchCandidateRecord(id: "btm-ge", countryCode: "GE", names: ["BTM"], addresses: ["Agmasenebeli 60 Helvacuari"], osID: nil),
    ]

    let matcher = FactoryMatcher(records: Self.registry)

    @Test func spellingVariantIsMatched() {
        let result = matcher.match(name: "Eypllion Style Ltd.", address: "Bahadurpur, Vawal Mirzapur, Gazipur Sadar, Gazipur, 1703",
                                   countryCode: "BD", osID: nil)
        #expect(result.outcome == .matched)
        #expect(result.candidates.first?.id == "epyllion")
        let upper = matcher.match(name: "EPYLLION STYLE LIMITED", address: "NAYAPARA, VHAWAL MIRZAPUR, GAZIPUR SADAR, GAZIPUR",
                                  countryCode: "bd", osID: nil)
        #expect(upper.outcome == .matched && upper.reason == .exactNameAndAddress)
    }

    @Test func secondBranchAndOtherUnitsAreNeverAutomatic() {
        let branch = matcher.match(name: "ZhongShan Easy On Garment Manufactory Co. Ltd. Second Branch",
                                   address: "No. 6 Jinwan Road, Xinxu District, Sanxiang Town, Zhongshan City, Guangdong Province",
                                   countryCode: "CN", osID: nil)
        #expect(branch.outcome == .review)
        #expect(branch.reason == .distinguishingTokensDiffer)
        // Even with the very same address, another unit is a different factory.
        let unit = matcher.match(name: "Jeans Knit Private Ltd Unit 4",
                                 address: "No 34/A, II Phase, Peenya Industrial Area, Bangalore, 561028", countryCode: "IN", osID: nil)
        #expect(unit.outcome == .review)
        #expect(unit.candidates.first?.reason == .distinguishingTokensDiffer)
        #expect(unit.candidates.allSatisfy { $0.score < matcher.thresholds.automatic })
        let score = FactoryMatcher.score(nameA: "Soorty Enterprises Unit 6", addressA: "Plot 44 Sector 15 Korangi",
                                         nameB: "Soorty Enterprises Unit 6", addressB: "Plot 44 Sector 15 Korangi")
        #expect(score.score == 1 && score.reason == .exactNameAndAddress)
    }

    @Test func osIDMatchesAcrossSpellingAndCountry() {
        let result = matcher.match(name: "Totally different", address: "", countryCode: "IN", osID: "in 2019067 x1k87 g")
        #expect(result.outcome == .matched && result.reason == .sameOSID)
        #expect(result.candidates.map(\.id) == ["akh"])
        // An alias name is matched too.
        #expect(matcher.match(name: "A.K.H. Apparels", address: "128 Hamayetpur Savar Dhaka 1340", countryCode: "BD", osID: nil)
            .candidates.first?.id == "akh")
    }

    @Test func countriesBlockMatching() {
        let result = matcher.match(name: "BTM", address: "PO Box 47 Industrial Zone B2 10th of Ramadan City", countryCode: "EG", osID: nil)
        #expect(result.outcome == .new && result.candidates.isEmpty && result.reason == .noCandidate)
        let georgia = matcher.match(name: "BTM", address: "Agmasenebeli 60 Helvacuari", countryCode: "GE", osID: nil)
        #expect(georgia.outcome == .matched)
    }

    @Test func sameNameElsewhereIsReviewedNotMatched() {
        let result = matcher.match(name: "Felix", address: "Road of Republic Beni Khiar Nabeul 8060", countryCode: "TN", osID: nil)
        #expect(result.outcome == .review)
        #expect(result.candidates.first?.nameScore == 1)
    }

    @Test func unrelatedFactoryIsNew() {
        let result = matcher.match(name: "Pan Pacific Sweaters Ltd.", address: "222 South Salna, Salna Bazar, Gazipur",
                                   countryCode: "BD", osID: nil)
        #expect(result.outcome == .new)
        #expect(result.reason == .noCandidate)
        #expect(result.candidates.count <= 1)
    }

    @Test func addedRecordsAreFoundAndTiesAreAmbiguous() {
        var growing = FactoryMatcher(records: [])
        let row = (name: "Classic Fashion Apparel Industry Ltd. Co.", address: "Al-Hassan Industrial Estate, PO Box 54, Ramtha, Irbid")
        #expect(growing.match(name: row.name, address: row.address, countryCode: "JO", osID: nil).outcome == .new)
        growing.add(MatchCandidateRecord(id: "a", countryCode: "JO", names: [row.name], addresses: [row.address], osID: nil))
        #expect(growing.match(name: row.name, address: row.address, countryCode: "JO", osID: nil).outcome == .matched)
        // The same factory registered twice: a person must choose.
        growing.add(MatchCandidateRecord(id: "b", countryCode: "JO", names: [row.name], addresses: [row.address], osID: nil))
        let twice = growing.match(name: row.name, address: row.address, countryCode: "JO", osID: nil)
        #expect(twice.outcome == .review && twice.reason == .ambiguous)
        #expect(Set(twice.candidates.map(\.id)) == ["a", "b"])
    }

    @Test func differentOSIDsNeedAPerson() {
        let result = matcher.match(name: "AKH Apparels Ltd", address: "128 Hamayetpur PS-Savar Dhaka-1340", countryCode: "BD",
                                   osID: "AE20220878C91ZR")
        #expect(result.outcome == .review && result.reason == .differentOSID)
    }

    @Test func spacedOutAndGluedNamesScoreHigh() {
        let spaced = FactoryMatcher.score(nameA: "brandix asl (lingerie)", addressA: "epz wathupitiwala nittambuwa sri lanka",
                                          nameB: "br and i x asl ( li ng e r i e )", addressB: "epz wathupitiwala nittambuwa")
        #expect(spaced.score >= MatchThresholds.standard.automatic)
        let glued = FactoryMatcher.score(nameA: "sang woo (cambodia) co ltd", addressA: "trapangkong commune samrong tong",
                                         nameB: "sangwoo cambodia co ltd", addressB: "trapangkong commune somrong tong district")
        #expect(glued.nameScore > 0.9)
        let bengali = FactoryMatcher.score(nameA: "আবন্তি গার্মেন্টস লিমিটেড", addressA: "আশুলিয়া, সাভার",
                                           nameB: "Abanti Garments Ltd", addressB: "Ashulia, Savar")
        #expect(bengali.nameScore == 1)
    }
}

@Suite("Match evaluation arithmetic")
struct MatchEvaluationTests {
    @Test func countsAndRatios() {
        let same = MatchEvaluation.Pair(isMatch: true, nameA: "Epyllion Style Ltd.", addressA: "Mulaid, Sreepur, Gazipur", countryA: "bd",
                                        nameB: "Eypllion Style Ltd.", addressB: "Mulaid, Sreepur, Gazipur", countryB: "bd")
        let units = MatchEvaluation.Pair(isMatch: false, nameA: "Jeans Knit Unit 3", addressA: "Plot 5, Ashulia", countryA: "bd",
                                         nameB: "Jeans Knit Unit 4", addressB: "Plot 5, Ashulia", countryB: "bd")
        let crossCountry = MatchEvaluation.Pair(isMatch: true, nameA: "Felix", addressA: "Tunis", countryA: "tn", nameB: "Felix", addressB: "Tunis", countryB: "dz")
        let automatic = MatchEvaluation([same, units, crossCountry], threshold: MatchThresholds.standard.automatic, automatic: true)
        #expect(automatic.truePositives == 1 && automatic.falsePositives == 0 && automatic.falseNegatives == 1)
        #expect(automatic.precision == 1 && automatic.recall == 0.5)
        #expect(abs(automatic.f1 - 2.0 / 3.0) < 1e-9)
        // At the review threshold the unit pair is put forward for a person to look at.
        let review = MatchEvaluation([same, units, crossCountry], threshold: MatchThresholds.standard.review, automatic: false)
        #expect(review.falsePositives == 1)
    }
}
