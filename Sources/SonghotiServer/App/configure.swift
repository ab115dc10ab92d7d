import Fluent
import FluentPostgresDriver
import FluentSQLiteDriver
import Leaf
import LeafKit
import NIOSSL
import SonghotiCore
import Vapor

/// Sets up the application: database, middleware, views, localisation, routes, commands. Touches no data.
public func configure(_ app: Application, settings: Settings) async throws {
    app.songhotiSettings = settings
    let resources = app.directory.workingDirectory + "Resources/"

    switch settings.database {
    case .sqlite(let path):
        let url = URL(fileURLWithPath: path, relativeTo: URL(fileURLWithPath: app.directory.workingDirectory))
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        // A worker centre's laptop may have a slow disk that another program (a backup, an update) is busy with:
        // wait up to 30 s for the connection instead of the driver's 10 s before failing the request.
        app.databases.use(.sqlite(.file(url.path), connectionPoolTimeout: .seconds(30), dataEncoder: .init(), dataDecoder: .init(), sqlLogLevel: nil), as: .sqlite)
        app.dialect = SQLiteDialect()
        app.writer = WriterGate(serialises: true)
    case .postgres(let url):
        var configuration = try SQLPostgresConfiguration(url: url)
        if let schema = settings.postgresSchema { configuration.searchPath = [schema] }
        // Queries (with their bound values, which can be personal data) are logged only at trace level.
        app.databases.use(.postgres(configuration: configuration, sqlLogLevel: .trace), as: .psql)
        app.dialect = PostgresDialect()
        app.writer = WriterGate(serialises: false)
    }

    app.migrations.add(CreateFoundation(dialect: app.dialect))
    app.migrations.add(CreateWorkers())
    app.migrations.add(CreateCases())
    app.migrations.add(CreateCaseEvents())
    app.migrations.add(CreateReferrals())
    app.migrations.add(CreateRemedies())
    app.migrations.add(CreateAttachments())
    app.migrations.add(CreateTasks())
    app.migrations.add(CreateCaseSearch(dialect: app.dialect))
    app.migrations.add(CreateSupplyChain())
    app.migrations.add(CreateSupplyChainDocuments())
    app.migrations.add(CreateEntitlementCalculations())
    // The entitlement rules are validated before anything else runs: a bad rules file stops the start, naming the rule.
    app.ruleBook = try Application.loadRuleBook(directory: settings.rulesDirectory ?? resources + "Entitlements")

    app.passwords.use(.bcrypt(cost: settings.bcryptCost))
    app.passwordPolicy = PasswordPolicy(commonPasswords: PasswordPolicy.parseList(
        (try? String(contentsOfFile: resources + "common-passwords.txt", encoding: .utf8)) ?? ""))
    app.catalog = try Localization.loadCatalog(directory: resources + "Localizations/")

    app.views.use(.leaf)
    app.leaf.configuration = LeafConfiguration(rootDirectory: resources + "Views/")
    app.leaf.tags["t"] = TranslateTag()

    app.routes.defaultMaxBodySize = "256kb"
    app.http.server.configuration.hostname = Environment.get("SONGHOTI_HOSTNAME") ?? app.http.server.configuration.hostname
    if let port = Environment.get("SONGHOTI_PORT").flatMap(Int.init) { app.http.server.configuration.port = port }

    // Replace Vapor's defaults: its route logger prints concrete paths (which can hold setup tokens).
    app.middleware = Middlewares()
    app.middleware.use(RequestLog())
    app.middleware.use(SecurityHeaders())
    app.middleware.use(FileMiddleware(publicDirectory: app.directory.publicDirectory, defaultFile: nil))
    app.middleware.use(WebSessionMiddleware())
    app.middleware.use(ErrorPages())
    app.middleware.use(BodyLimit())

    try routes(app)
    registerCommands(app)
}

func routes(_ app: Application) throws {
    try app.register(collection: HealthController())

    let web = app.grouped(CSRFMiddleware())
    try web.register(collection: AuthController())
    try web.register(collection: SetupController())
    let staff = web.grouped(RequireStaff())
    try staff.register(collection: HomeController())
    try staff.register(collection: AccountController())
    try staff.register(collection: OfficesWebController())
    try staff.register(collection: UsersWebController())
    try staff.register(collection: AdministrationController())
    try staff.register(collection: WorkersWebController())
    try staff.register(collection: CaseListController())
    try staff.register(collection: CasesWebController())
    try staff.register(collection: CaseEditController())
    try staff.register(collection: PartnersWebController())
    try staff.register(collection: MyWorkController())
    try staff.register(collection: FactoriesWebController())
    try staff.register(collection: BrandsWebController())
    try staff.register(collection: ImportsWebController())
    try staff.register(collection: EscalationsWebController())
    try staff.register(collection: LedgerWebController())
    try staff.register(collection: EntitlementsWebController())

    let api = app.grouped("api", "v1")
    api.get("openapi.json") { try OpenAPIDocument.response($0) }
    let authenticated = api.grouped(BearerTokenMiddleware())
    try authenticated.register(collection: UsersAPIController())
    try authenticated.register(collection: OfficesAPIController())
    try authenticated.register(collection: WorkersAPIController())
    try authenticated.register(collection: CasesAPIController())
    try authenticated.register(collection: TasksAPIController())
    try authenticated.register(collection: RemedyTotalsAPIController())
    try authenticated.register(collection: SupplyChainAPIController())
    try authenticated.register(collection: EntitlementsAPIController())
}

/// Work every command that touches data does first: the dialect's preparation, then the key ring check.
/// Returns the operator message when a new key file was created.
public func prepareData(_ app: Application, migrate: Bool) async throws -> String? {
    try await app.dialect.prepare(app.db.sql)
    if migrate {
        try await app.autoMigrate()
    } else if try await migrationsPending(app) {
        throw StartupError.migrationsPending
    }
    if app.decoyPasswordHash.isEmpty {
        app.decoyPasswordHash = try await app.password.async.hash(Secrets.token())
    }
    return try await FieldProtection.establish(app, settings: app.songhotiSettings)
}

/// Whether any registered migration has not run (a database without the migration log has run none).
func migrationsPending(_ app: Application) async throws -> Bool {
    do {
        return try await !app.migrator.previewPrepareBatch().get().isEmpty
    } catch {
        return true
    }
}
