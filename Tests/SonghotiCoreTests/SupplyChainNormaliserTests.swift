import SonghotiCore
import Testing

@Suite("Supply chain: factory name and address normalisation")
struct SupplyChainNormaliserTests {
    @Test func namesLoseCasePunctuationAndLegalForms() {
        #expect(FactoryNormaliser.normalisedName("Epyllion Style Ltd.") == "epyllion style")
        #expect(FactoryNormaliser.normalisedName("EPYLLION STYLE LIMITED") == "epyllion style")
        #expect(FactoryNormaliser.normalisedName("Hanes Ink S.A. de C.V.") == "hanes ink")
        #expect(FactoryNormaliser.normalisedName("Artistic Apparels (Pvt) Ltd.") == "artistic apparel")   // plural folded
        #expect(FactoryNormaliser.normalisedName("KPH Manufacturing Company Limited") == "kph manufacturing")
        #expect(FactoryNormaliser.normalisedName("Çağlar Tekstil San. ve Tic. Ltd. Şti.") == "caglar tekstil")
        #expect(FactoryNormaliser.normalisedName("Tessil Industry Group d.0.0.") == "tessil industry group")
        #expect(FactoryNormaliser.normalisedName("Gimmill Industrial (M) Sdn Bhd") == "gimmill industrial m")
        #expect(FactoryNormaliser.normalisedName("Y&Q Group GmbH") == "y and q group")
        #expect(FactoryNormaliser.normalisedName("Hui'an Colour Centre") == "huian color center")
        #expect(FactoryNormaliser.normalisedName("  Ltd.  ") == "ltd")   // only legal words: kept
    }

    @Test func unitAndBranchNumbersAreKept() {
        #expect(FactoryNormaliser.normalisedName("Artistic Milliners Pvt Ltd Unit14") == "artistic milliners unit 14")
        #expect(FactoryNormaliser.normalisedName("Soorty Enterprises (Pvt.) Ltd. Unit 06") == "soorty enterprises unit 6")
        #expect(FactoryNormaliser.normalisedName("Roo Hsing Garment Co.Ltd Branch #2") == "roo hsing garment branch 2")
        #expect(FactoryNormaliser.normalisedName("Easy On Garment Second Branch") == "easy on garment second branch")
        #expect(FactoryNormaliser.distinguishingTokens("easy on garment second branch") == ["2", "branch"])
        #expect(FactoryNormaliser.distinguishingTokens("easy on 2nd branch") == ["2", "branch"])
        #expect(FactoryNormaliser.distinguishingTokens("artistic apparels ii") == ["2"])
        #expect(FactoryNormaliser.distinguishingTokens("lammim associates unit two") == ["2"])
        #expect(FactoryNormaliser.distinguishingTokens("jeans knit unit 3") != FactoryNormaliser.distinguishingTokens("jeans knit unit 4"))
        #expect(FactoryNormaliser.distinguishingTokens("m e r c u r y appar e l").isEmpty)   // stray letters are not numerals
        #expect(FactoryNormaliser.distinguishingTokens("pameks giyim saglamtas subesi") == ["branch"])
    }

    @Test func spacedOutNamesKeepTheirFragments() {
        // Two-letter legal words are kept in spaced-out names, where they are usually fragments.
        #expect(FactoryNormaliser.normalisedName("d sl lanka ( pr i v ate ) ltd") == "d sl lanka pr i v ate")
    }

    @Test func otherScriptsAreTransliterated() {
        #expect(FactoryNormaliser.normalisedName("আবন্তি গার্মেন্টস লিমিটেড") == "abanti garment")
        #expect(FactoryNormaliser.normalisedName("আবন্তি") == "abanti")
        #expect(FactoryNormaliser.normalisedName("অ্যাপারেল ফ্যাশন") == "apparel fashion")
        #expect(FactoryNormaliser.normalisedName("১২ নং ইউনিট") == "12 no unit")
        #expect(FactoryNormaliser.normalisedName("Nhà máy may Việt Tiến") == "nha may may viet tien")
        #expect(FactoryNormaliser.normalisedName("Łódź Straße Øresund") == "lodz strasse oresund")
        #expect(FactoryNormaliser.normalisedName("上海服装有限公司") == "shang hai fu zhuang you xian gong si")
    }

    @Test func addressesExpandAbbreviationsAndDropNumberMarkers() {
        #expect(FactoryNormaliser.normalisedAddress("Plot # 4, Sector-25, Korangi Ind. Area") == "plot 4 sector 25 korangi industrial area")
        #expect(FactoryNormaliser.normalisedAddress("plot no 4 sector 25 korangi industrial area")
            == FactoryNormaliser.normalisedAddress("Plot # 4, Sector-25, Korangi Ind. Area"))
        #expect(FactoryNormaliser.normalisedAddress("Bozburun Mah. 7042 Sk. No:6") == "bozburun mahallesi 7042 sokak 6")
        #expect(FactoryNormaliser.normalisedAddress("norte edificio 11 y 12cortes") == "norte edificio 11 y 12 cortes")
        #expect(FactoryNormaliser.normalisedAddress("National Rd. No.4") == "national road 4")
    }
}
