import SonghotiCore
import Testing

@Suite("Supply chain: supplier list import")
struct SupplyChainListTests {
    @Test func openSupplyHubFormatWithAllColumns() throws {
        let csv = """
        \u{FEFF}Country, Name ,Address,sector,product_type,parent_company,number_of_workers,lat,lng,os_id\r
        Bangladesh,"Epyllion Style Ltd.","Nayapara, Vhawal Mirzapur, Gazipur",Apparel,"Knitwear|T-shirts, Polo",Epyllion Group,1001-5000,23.98,90.32,bd 2019067 x1k87 g\r
        BD,"Quote ""Q"" Ltd","Line one
        line two",,,,"many",91,90,NOT-AN-ID\r

        ,Nameless Country,Somewhere,,,,,,,\r
        Atlantis,Lost Factory,Ocean Road,,,,,,,\r
        ,,,,,,,,,\r
        Viet Nam,,Hanoi,,,,,,,\r
        """
        let list = try SupplierList.parse(csv, format: .auto)
        #expect(list.format == .openSupplyHub)
        #expect(list.rows.map(\.row) == [1, 2, 4, 5, 7])   // the blank line (3) and the empty row (6) still count
        let first = list.rows[0]
        #expect(first.name == "Epyllion Style Ltd.")
        #expect(first.address == "Nayapara, Vhawal Mirzapur, Gazipur")
        #expect(first.countryCode == "BD")
        #expect(first.osID == nil)   // BD2019067X1K87G fails its checksum (the G belongs to IN…)
        #expect(first.problems == [.invalidOSID])
        #expect(first.productTypes == ["Knitwear", "T-shirts", "Polo"])
        #expect(first.parentCompany == "Epyllion Group")
        #expect(first.workerBand == .from1001To5000)
        #expect(first.latitude == 23.98 && first.longitude == 90.32)
        #expect(first.sector == "Apparel")
        let second = list.rows[1]
        #expect(second.name == "Quote \"Q\" Ltd")
        #expect(second.address == "Line one\nline two")
        #expect(second.problems == [.invalidOSID, .unreadableWorkerCount, .invalidCoordinates])
        #expect(second.latitude == nil && second.workerBand == nil && second.osID == nil)
        #expect(!second.isRejected)
        #expect(list.rows[2].problems == [.missingCountry])
        #expect(list.rows[3].problems == [.unknownCountry])
        #expect(list.rows[4].problems == [.missingName])
        #expect(list.rows[2].isRejected && list.rows[3].isRejected && list.rows[4].isRejected)
    }

    @Test func validOSIDIsNormalised() throws {
        let list = try SupplierList.parse("country,name,address,os_id\nIndia,A,B,in-2019067-x1k87-g\n", format: .openSupplyHub)
        #expect(list.rows[0].osID == "IN2019067X1K87G")
        #expect(list.rows[0].problems.isEmpty)
    }

    @Test func transparencyPledgeFormatAndDelimiterSniffing() throws {
        let csv = """
        Name of Factory;Site Address;Country;Parent Company;Type of Products;No. of Workers (approx.);OS ID
        Abanti Colour Tex Ltd;"Plot 5; Sector 7, Ashulia";Bangladesh;Abanti Group;Woven | Knit;<1000;AE20220878C91ZR
        """
        let list = try SupplierList.parse(csv, format: .auto)
        #expect(list.format == .transparencyPledge)
        let row = try #require(list.rows.first)
        #expect(row.name == "Abanti Colour Tex Ltd")
        #expect(row.address == "Plot 5; Sector 7, Ashulia")
        #expect(row.countryCode == "BD")
        #expect(row.parentCompany == "Abanti Group")
        #expect(row.productTypes == ["Woven", "Knit"])
        #expect(row.workerBand == .under1000)
        #expect(row.osID == "AE20220878C91ZR")

        let tabs = try SupplierList.parse("Factory name\tAddress\tCountry\nX\tY\tKH\n", format: .transparencyPledge)
        #expect(tabs.rows[0].countryCode == "KH")
        let pipes = try SupplierList.parse("country|name|address\nCambodia|X|Y\n", format: .auto)
        #expect(pipes.format == .openSupplyHub && pipes.rows[0].name == "X")
        let crOnly = try SupplierList.parse("country,name,address\rPK,A,B\rPK,C,D", format: .auto)
        #expect(crOnly.rows.map(\.name) == ["A", "C"])
    }

    @Test func headerAndFileErrors() {
        #expect(throws: SupplierListError.empty) { try SupplierList.parse("", format: .auto) }
        #expect(throws: SupplierListError.empty) { try SupplierList.parse("\u{FEFF}\r\n  \n", format: .auto) }
        #expect(throws: SupplierListError.empty) { try SupplierList.parse("country,name,address\n", format: .auto) }
        #expect(throws: SupplierListError.missingColumns(["address"])) {
            try SupplierList.parse("country,name\nBD,X\n", format: .auto)
        }
        #expect(throws: SupplierListError.missingColumns(["name"])) {
            try SupplierList.parse("Factory name,Address,Country\nX,Y,BD\n", format: .openSupplyHub)
        }
        #expect(throws: SupplierListError.missingColumns(["country", "name", "address"])) {
            try SupplierList.parse("Factory,Where\nX,Y\n", format: .openSupplyHub)
        }
        #expect(throws: SupplierListError.missingColumns(["Country"])) {
            try SupplierList.parse("Factory name,Address\nX,Y\n", format: .transparencyPledge)
        }
        #expect(throws: SupplierListError.unrecognisedFormat) { try SupplierList.parse("foo,bar\n1,2\n", format: .auto) }
        #expect(throws: SupplierListError.malformed(row: 2)) {
            try SupplierList.parse("country,name,address\nBD,A,B\nBD,\"unterminated,C\n", format: .auto)
        }
    }
}
