import Foundation

/// Works out what the law says a worker is owed, line by line, from the rules in force on the relevant date.
/// Pure: the same input and rules give the same result. Amounts are exact fractions of minor units until the end
/// of each line, where the rule's rounding is applied once.
public struct EntitlementCalculator: Sendable {
    public let book: RuleBook

    public init(book: RuleBook) { self.book = book }

    public func calculate(_ input: EntitlementInput) -> EntitlementResult {
        var run = Run(book: book, input: input, regime: book.regime(input.regime)!)
        var lines: [EntitlementLine] = []
        if input.underpayment != nil { lines.append(run.underpayment()) }
        if input.overtime != nil { lines.append(run.overtime()) }
        if input.termination != nil { lines += run.termination() }
        if input.leave != nil { lines.append(run.leave()) }
        if input.maternity != nil { lines.append(run.maternity()) }
        if input.festivals != nil { lines.append(run.festivalBonus()) }
        return EntitlementResult(regime: input.regime, regimeTitle: run.regime.title, currency: input.currency, rulesDigest: book.digest, lines: lines)
    }
}

/// Writes a minor-unit amount in the currency's major units, grouped: 410000 → "4,100.00".
public func entitlementAmountText(_ minor: Rational, currency: String) -> String {
    let digits = Money.minorDigits[currency] ?? 2
    var scale: Int64 = 1
    for _ in 0..<digits { scale *= 10 }
    let rounded = minor.rounded(.halfUp)
    let sign = rounded < 0 ? "-" : ""
    let magnitude = abs(rounded)
    var whole = String(magnitude / scale)
    var grouped = ""
    while whole.count > 3 { grouped = "," + whole.suffix(3) + grouped; whole = String(whole.dropLast(3)) }
    let fraction = String(magnitude % scale)
    let tail = digits > 0 ? "." + String(repeating: "0", count: digits - fraction.count) + fraction : ""
    return sign + whole + grouped + tail
}

private struct Line {
    let kind: String
    let component: OwedComponent
    var citations: [Citation] = []
    var steps: [WorkingStep] = []
    var missing: [String] = []

    init(_ kind: String, _ component: OwedComponent) { self.kind = kind; self.component = component }

    mutating func cite(_ rule: LegalRule) { if !citations.contains(where: { $0.id == rule.id }) { citations.append(Citation(rule)) } }
    mutating func cite(_ citation: Citation) { if !citations.contains(where: { $0.id == citation.id }) { citations.append(citation) } }
    mutating func step(_ key: String, _ arguments: String...) { steps.append(WorkingStep(key, arguments)) }
    mutating func need(_ path: String) { if !missing.contains(path) { missing.append(path) } }

    func finish(_ outcome: EntitlementLine.Outcome, reason: WorkingStep? = nil) -> EntitlementLine {
        EntitlementLine(kind: kind, component: component, outcome: outcome, due: nil, paid: nil, owed: nil, citations: citations, steps: steps,
                        missing: missing, reason: reason, rounding: nil)
    }
    func notSupported(_ key: String, _ arguments: String...) -> EntitlementLine { finish(.notSupported, reason: WorkingStep(key, arguments)) }
    func notEntitled(_ key: String, _ arguments: String...) -> EntitlementLine { finish(.notEntitled, reason: WorkingStep(key, arguments)) }
    func missingInput() -> EntitlementLine { finish(.missingInput) }

    /// Rounds the exact amount due once, then subtracts what was paid (never below zero).
    mutating func computed(due exact: Rational, paid: Int64?, rounding: Rational.Rounding, currency: String) -> EntitlementLine {
        let due = exact.rounded(rounding)
        let paidAmount = paid ?? 0
        let owed = max(0, due - paidAmount)
        step("ent.step.rounding", "⟨ent.rounding.\(rounding.rawValue)⟩")
        if paid == nil { step("ent.step.nothing_paid") }
        step("ent.step.owed", entitlementAmountText(Rational(due), currency: currency), entitlementAmountText(Rational(paidAmount), currency: currency),
             entitlementAmountText(Rational(owed), currency: currency))
        var line = finish(.computed)
        (line.due, line.paid, line.owed, line.rounding) = (due, paidAmount, owed, rounding)
        return line
    }
}

private struct Run {
    let book: RuleBook
    let input: EntitlementInput
    let regime: Regime

    var currency: String { input.currency }
    func amount(_ minor: Rational) -> String { entitlementAmountText(minor, currency: currency) }
    func amount(_ minor: Int64) -> String { amount(Rational(minor)) }

    // MARK: Shared pieces

    /// The regime cannot compute this topic at all.
    func unsupported(_ topic: String, _ line: Line) -> EntitlementLine? {
        guard let reason = regime.unsupported[topic] else { return nil }
        return line.notSupported("ent.reason.unsupported_topic", reason)
    }

    func rule(_ kind: String, on date: CivilDate, _ line: inout Line) -> LegalRule? {
        guard let rule = book.rule(regime.id, kind, on: date) else { return nil }
        line.cite(rule)
        return rule
    }

    /// Basic pay: as entered, or derived from gross through the minimum-wage table's split (garment sector).
    func basic(on date: CivilDate, _ line: inout Line) -> Rational? {
        if let basic = input.pay["basic"] { return Rational(basic) }
        guard let gross = input.pay["gross"], let sector = input.employment.sector,
              let table = book.table(regime.id, sector: sector, on: date), let houseRent = table.houseRentPercent else {
            line.need("pay.basic")
            return nil
        }
        let basic = (Rational(gross) - table.fixedTotal * Rational(100)) / (Rational.one + houseRent / Rational(100))
        line.cite(Citation(table, status: table.status))
        line.step("ent.step.basic_derived", amount(Rational(gross)), amount(table.fixedTotal * Rational(100)), (Rational.one + houseRent / Rational(100)).description, amount(basic))
        return basic
    }

    /// The monthly wage a rule computes on: a sum of pay components, or gross.
    func wage(_ components: [String], on date: CivilDate, _ line: inout Line) -> Rational? {
        if components == ["gross"] {
            if let gross = input.pay["gross"] {
                line.step("ent.step.wage", "⟨ent.component.gross⟩ \(amount(gross))", amount(gross))
                return Rational(gross)
            }
            let parts = RuleSchema.wageComponents.filter { $0 != "gross" && input.pay[$0] != nil }
            guard input.pay["basic"] != nil else { line.need("pay.gross"); return nil }
            let total = parts.reduce(Rational.zero) { $0 + Rational(input.pay[$1]!) }
            line.step("ent.step.wage", parts.map { "⟨ent.component.\($0)⟩ \(amount(input.pay[$0]!))" }.joined(separator: " + "), amount(total))
            return total
        }
        var total = Rational.zero
        var terms: [String] = []
        for name in components {
            if name == "basic" {
                guard let basic = basic(on: date, &line) else { return nil }
                total = total + basic
                terms.append("⟨ent.component.basic⟩ \(amount(basic))")
            } else {
                let value = input.pay[name] ?? 0
                total = total + Rational(value)
                terms.append("⟨ent.component.\(name)⟩ \(amount(value))")
            }
        }
        line.step("ent.step.wage", terms.joined(separator: " + "), amount(total))
        return total
    }

    func service(_ line: inout Line) -> (CivilDate, CivilDate, ServiceLength)? {
        if input.employment.start == nil { line.need("employment.start") }
        if input.employment.end == nil { line.need("employment.end") }
        guard let start = input.employment.start, let end = input.employment.end else { return nil }
        let length = ServiceLength(from: start, through: end)
        line.step("ent.step.service", start.description, end.description, String(length.years), String(length.months), String(length.days))
        return (start, end, length)
    }

    /// "More than N years" of service: N completed years and at least one day beyond.
    func moreThan(_ years: Int, _ length: ServiceLength) -> Bool { length.years > years || (length.years == years && (length.months > 0 || length.days > 0)) }

    // MARK: Underpayment against the minimum wage

    mutating func underpayment() -> EntitlementLine {
        var line = Line("underpayment", .wages)
        if let unsupported = unsupported("underpayment", line) { return unsupported }
        guard let sector = input.employment.sector else { line.need("employment.sector"); return line.missingInput() }
        guard book.tables.contains(where: { $0.regime == regime.id && $0.sector == sector }) else { return line.notSupported("ent.reason.sector", sector) }
        var total = Rational.zero
        var rounding = Rational.Rounding.halfUp
        for month in input.underpayment ?? [] {
            guard let table = book.table(regime.id, sector: sector, on: month.first) else { return line.notSupported("ent.reason.no_table", month.label) }
            let minimum: Rational
            var detail: String
            if table.yearly.isEmpty {
                guard let gradeName = month.grade ?? input.employment.grade else { line.need("employment.grade"); return line.missingInput() }
                guard let grade = table.grades.first(where: { $0.grade == gradeName }) else {
                    if let omitted = table.omitted.first(where: { $0.grade.split(separator: "-").count == 2 ? Self.inRange(gradeName, $0.grade) : $0.grade == gradeName }) {
                        return line.notSupported("ent.reason.grade_omitted", gradeName, omitted.reason)
                    }
                    return line.notSupported("ent.reason.grade_unknown", gradeName, table.id, table.grades.map(\.grade).joined(separator: ", "))
                }
                line.cite(Citation(table, status: Self.worse(table.status, grade.status)))
                var basic = grade.basic
                if let start = input.employment.start {
                    let from = max(start, table.validFrom)
                    var anniversary = from.adding(years: 1)
                    while anniversary <= month.first {
                        if let increment = book.increment(regime.id, sector: sector, on: anniversary) {
                            let raised = basic * (Rational.one + increment.percentOfBasic / Rational(100))
                            line.cite(Citation(increment))
                            line.step("ent.step.increment", increment.percentOfBasic.description, anniversary.description, amount(basic * Rational(100)), amount(raised * Rational(100)))
                            basic = raised
                        }
                        anniversary = anniversary.adding(years: 1)
                    }
                } else if book.increments.contains(where: { $0.regime == regime.id && $0.sector == sector }) {
                    line.need("employment.start")
                    return line.missingInput()
                }
                minimum = (basic + basic * (table.houseRentPercent ?? .zero) / Rational(100) + table.fixedTotal) * Rational(100)
                detail = "⟨ent.grade⟩ \(gradeName), \(table.id)"
            } else {
                guard let row = table.yearly.first(where: { $0.year == month.year }) else { return line.notSupported("ent.reason.no_table", month.label) }
                let probation = input.employment.type == .probation
                guard let figure = probation ? row.probation : row.regular else { return line.notSupported("ent.reason.no_probation_rate", String(month.year)) }
                line.cite(Citation(table, status: Self.worse(table.status, row.status)))
                minimum = figure * Rational(100)
                detail = "\(table.id) \(month.year)" + (probation ? " ⟨ent.probation⟩" : "")
            }
            let short = max(.zero, minimum - Rational(month.paid))
            total = total + short
            line.step("ent.step.month", month.label, amount(minimum), detail, amount(month.paid), amount(short))
            rounding = .halfUp
        }
        return line.computed(due: total, paid: nil, rounding: rounding, currency: currency)
    }

    static func worse(_ a: VerificationStatus, _ b: VerificationStatus) -> VerificationStatus {
        let order: [VerificationStatus] = [.verified, .secondary, .unverified]
        return order.firstIndex(of: a)! >= order.firstIndex(of: b)! ? a : b
    }

    static func inRange(_ grade: String, _ range: String) -> Bool {
        let bounds = range.split(separator: "-").compactMap { Int($0) }
        guard bounds.count == 2, let value = Int(grade) else { return false }
        return (bounds[0]...bounds[1]).contains(value)
    }

    // MARK: Overtime

    mutating func overtime() -> EntitlementLine {
        var line = Line("overtime", .overtime)
        if let unsupported = unsupported("overtime", line) { return unsupported }
        let section = input.overtime!
        guard let date = section.periodEnd else { line.need("overtime.period_end"); return line.missingInput() }
        guard let rate = rule("overtime.rate", on: date, &line), let divisorRule = rule("wage.hourly_divisor", on: date, &line),
              let multiplier = rate.decimal("multiplier"), let hoursPerMonth = divisorRule.integer("hours_per_month") else {
            return line.notSupported("ent.reason.no_rule", date.description)
        }
        let night = section.hoursNightOrRestDay ?? .zero
        if section.hours == nil && section.hoursNightOrRestDay == nil { line.need("overtime.hours") }
        if !night.isZero && rate.decimal("multiplier_night_or_rest_day") == nil { return line.notSupported("ent.reason.night_rate") }
        guard let monthly = wage(rate.list("wage_components") ?? ["basic"], on: date, &line), line.missing.isEmpty else { return line.missingInput() }
        let hourly = monthly / Rational(hoursPerMonth)
        line.step("ent.step.hourly", amount(monthly), String(hoursPerMonth), amount(hourly))
        var due = Rational.zero
        if let hours = section.hours {
            let part = hours * multiplier * hourly
            line.step("ent.step.overtime", hours.description, multiplier.description, amount(hourly), amount(part))
            due = due + part
        }
        if !night.isZero, let nightMultiplier = rate.decimal("multiplier_night_or_rest_day") {
            let part = night * nightMultiplier * hourly
            line.step("ent.step.overtime_night", night.description, nightMultiplier.description, amount(hourly), amount(part))
            due = due + part
        }
        return line.computed(due: due, paid: section.paid, rounding: rate.rounding, currency: currency)
    }

    // MARK: Termination

    mutating func termination() -> [EntitlementLine] {
        let section = input.termination!
        var notice = Line("termination.notice", .severance)
        var compensation = Line("termination.compensation", .severance)
        if let unsupported = unsupported("termination", compensation) { return [unsupported] }
        guard let cause = section.cause else { compensation.need("termination.cause"); return [compensation.missingInput()] }
        guard let (start, end, length) = service(&compensation) else { return [compensation.missingInput()] }
        if regime.country == "KH" {
            var seniority = Line("seniority.indemnity", .severance)
            seniority.steps = compensation.steps
            return cambodianTermination(cause, start: start, end: end, length: length, notice: &notice, seniority: &seniority)
        }

        let type = input.employment.type
        if type == nil { compensation.need("employment.type"); return [compensation.missingInput()] }
        var kind: String
        switch cause {
        case .terminationByEmployer: kind = type == .permanent ? "termination.by_employer" : "termination.by_employer_temporary"
        case .deathAtWork: kind = "termination.death_at_work"
        case .dismissalMisconduct: kind = "termination.dismissal_misconduct"
        default: kind = "termination." + cause.rawValue
        }
        guard let rule = rule(kind, on: end, &compensation) else { return [compensation.notSupported("ent.reason.no_rule", end.description)] }
        notice.cite(rule)
        var lines: [EntitlementLine] = []
        // Notice the employer owes (or wages in lieu).
        if rule.text("notice_by") == "employer", let days = rule.map("notice_days") {
            if input.employment.monthlyRated == nil { notice.need("employment.monthly_rated") }
            if section.noticeGivenDays == nil { notice.need("termination.notice_given_days") }
            if let minimum = rule.integer("notice_min_service_years"), length.years < minimum {
                lines.append(notice.notEntitled("ent.reason.notice_service", String(minimum)))
            } else if notice.missing.isEmpty, let type, let monthly = input.employment.monthlyRated {
                let key = "\(type.rawValue)_\(monthly ? "monthly" : "other")"
                if let required = days[key] {
                    lines.append(noticeLine(required: Rational(required), given: section.noticeGivenDays!, on: end, paid: section.noticePaid, rule: rule, &notice))
                }
            } else { lines.append(notice.missingInput()) }
        } else if rule.text("notice_by") == "worker", let days = rule.map("notice_days"), let type,
                  let required = days["\(type.rawValue)_\((input.employment.monthlyRated ?? true) ? "monthly" : "other")"] {
            compensation.step("ent.step.notice_by_worker", String(required))
        }
        // Compensation, or gratuity where higher.
        if let types = rule.list("employment_types"), let type, !types.contains(type.rawValue) {
            lines.append(compensation.notEntitled("ent.reason.type_excluded", "⟨ent.type.\(type.rawValue)⟩"))
            return lines
        }
        let tiers = rule.objects("compensation_tiers") ?? []
        guard !tiers.isEmpty else {
            lines.append(compensation.notEntitled("ent.reason.no_compensation"))
            return lines
        }
        var chosen: (days: Int, condition: String)?
        for tier in tiers {
            let days = tier["days_per_year"]?.numberText.flatMap { Int($0) } ?? 0
            if let years = tier["at_least_years"]?.numberText.flatMap({ Int($0) }), length.years >= years { chosen = (days, "≥ \(years)") }
            if let years = tier["more_than_years"]?.numberText.flatMap({ Int($0) }), moreThan(years, length) { chosen = (days, "> \(years)") }
        }
        guard let tier = chosen else {
            let first = tiers[0]
            let threshold = first["at_least_years"].flatMap { $0.numberText }.map { "≥ \($0)" } ?? "> \(first["more_than_years"]?.numberText ?? "")"
            lines.append(compensation.notEntitled("ent.reason.service_short", String(length.years), String(length.months), threshold))
            return lines
        }
        guard let basisRule = self.rule("termination.wage_basis", on: end, &compensation),
              let perMonth = basisRule.integer("days_per_month") else { lines.append(compensation.notSupported("ent.reason.no_rule", end.description)); return lines }
        let partCounts = rule.text("years_counted") == "part_over_6_months" && length.partYearOverSixMonths
        let years = length.years + (partCounts ? 1 : 0)
        compensation.step(partCounts ? "ent.step.years_part" : "ent.step.years_completed", String(years))
        compensation.step("ent.step.tier", tier.condition, String(tier.days))
        let gratuityChoice = section.gratuityScheme
        if rule.flag("compare_gratuity") == true && gratuityChoice == nil { compensation.need("termination.gratuity_scheme") }
        guard let monthly = wage(basisRule.list("wage_components") ?? ["basic"], on: end, &compensation), compensation.missing.isEmpty else {
            lines.append(compensation.missingInput()); return lines
        }
        var due = Rational(tier.days) * Rational(years) * monthly / Rational(perMonth)
        compensation.step("ent.step.compensation", String(tier.days), String(years), amount(monthly), String(perMonth), amount(due))
        if rule.flag("compare_gratuity") == true {
            switch gratuityChoice {
            case .yes?:
                if let gratuity = self.rule("gratuity", on: end, &compensation), let base = gratuity.integer("days_per_year") {
                    let long = gratuity.integer("days_per_year_over_10_years").flatMap { moreThan(10, length) ? $0 : nil }
                    let days = long ?? base
                    let gratuityYears = length.years + (gratuity.text("years_counted") == "part_over_6_months" && length.partYearOverSixMonths ? 1 : 0)
                    let amountDue = Rational(days) * Rational(gratuityYears) * monthly / Rational(perMonth)
                    compensation.step("ent.step.gratuity", String(days), String(gratuityYears), amount(monthly), String(perMonth), amount(amountDue))
                    if due < amountDue { due = amountDue; compensation.step("ent.step.gratuity_higher") } else { compensation.step("ent.step.compensation_higher") }
                }
            case .no?: compensation.step("ent.step.no_gratuity_scheme")
            default: compensation.step("ent.step.gratuity_unknown")
            }
        }
        lines.append(compensation.computed(due: due, paid: section.compensationPaid, rounding: rule.rounding, currency: currency))
        return lines
    }

    func noticeLine(required: Rational, given: Int, on date: CivilDate, paid: Int64?, rule: LegalRule, _ line: inout Line) -> EntitlementLine {
        let short = max(.zero, required - Rational(given))
        line.step("ent.step.notice", required.description, String(given), short.description)
        guard let basis = self.rule("termination.notice_wage_basis", on: date, &line), let perMonth = basis.integer("days_per_month") else {
            return line.notSupported("ent.reason.no_rule", date.description)
        }
        guard let monthly = wage(basis.list("wage_components") ?? ["gross"], on: date, &line), line.missing.isEmpty else { return line.missingInput() }
        let due = short * monthly / Rational(perMonth)
        line.step("ent.step.notice_pay", short.description, amount(monthly), String(perMonth), amount(due))
        return line.computed(due: due, paid: paid, rounding: rule.rounding, currency: currency)
    }

    mutating func cambodianTermination(_ cause: EntitlementInput.Cause, start: CivilDate, end: CivilDate, length: ServiceLength,
                                       notice: inout Line, seniority: inout Line) -> [EntitlementLine] {
        let section = input.termination!
        guard cause == .terminationByEmployer || cause == .resignation else { return [seniority.notSupported("ent.reason.cause_unsupported")] }
        guard let type = input.employment.type else { seniority.need("employment.type"); return [seniority.missingInput()] }
        guard type == .udc || type == .probation else { return [seniority.notSupported("ent.reason.contract_unsupported", "⟨ent.type.\(type.rawValue)⟩")] }
        var lines: [EntitlementLine] = []
        notice.steps = seniority.steps
        if cause == .terminationByEmployer {
            if let rule = rule("termination.by_employer", on: end, &notice), let types = rule.list("employment_types"), !types.contains(type.rawValue) {
                lines.append(notice.notEntitled("ent.reason.type_excluded", "⟨ent.type.\(type.rawValue)⟩"))
            } else if let rule = book.rule(regime.id, "termination.by_employer", on: end), let tiers = rule.objects("notice_tiers") {
                var required: Rational?
                var perMonth = 30
                if let basis = book.rule(regime.id, "termination.notice_wage_basis", on: end) { perMonth = basis.integer("days_per_month") ?? 30 }
                for tier in tiers {
                    let matches = tier["at_least_months"].flatMap { $0.numberText.flatMap { Int($0) } }.map { length.totalMonths >= $0 }
                        ?? tier["more_than_months"].flatMap { $0.numberText.flatMap { Int($0) } }.map { length.totalMonths > $0 || (length.totalMonths == $0 && length.days > 0) } ?? false
                    if matches {
                        if let days = tier["days"]?.numberText.flatMap({ Int($0) }) { required = Rational(days) }
                        if let months = tier["months"]?.numberText.flatMap({ Int($0) }) { required = Rational(months * perMonth) }
                    }
                }
                if section.noticeGivenDays == nil { notice.need("termination.notice_given_days"); lines.append(notice.missingInput()) }
                else if let required { lines.append(noticeLine(required: required, given: section.noticeGivenDays!, on: end, paid: section.noticePaid, rule: rule, &notice)) }
            } else { lines.append(notice.notSupported("ent.reason.no_rule", end.description)) }
        }
        // Seniority indemnity for half-years not yet paid.
        guard let rule = rule("seniority.indemnity", on: end, &seniority), let perHalf = rule.decimal("days_per_half_year") else {
            lines.append(seniority.notSupported("ent.reason.no_rule", end.description)); return lines
        }
        if section.seniorityPaidThrough == nil && !section.seniorityNeverPaid { seniority.need("termination.seniority_paid_through") }
        guard let divisorRule = self.rule("wage.daily_divisor", on: end, &seniority), let perMonth = divisorRule.integer("days_per_month") else {
            lines.append(seniority.notSupported("ent.reason.no_rule", end.description)); return lines
        }
        guard let monthly = wage(rule.list("wage_components") ?? ["gross"], on: end, &seniority), seniority.missing.isEmpty else {
            lines.append(seniority.missingInput()); return lines
        }
        let minimumMonths = rule.integer("min_months_in_half_year") ?? 1
        var from = max(start, rule.validFrom)
        if let through = section.seniorityPaidThrough { from = max(from, through.adding(days: 1)) }
        var half = CivilDate(year: from.year, month: from.month <= 6 ? 1 : 7, day: 1)!
        var days = Rational.zero
        while half <= end && from <= end {
            let halfEnd = half.adding(months: 6).adding(days: -1)
            let overlapStart = max(half, from), overlapEnd = min(halfEnd, end)
            if overlapStart <= overlapEnd {
                let counts = overlapStart.adding(months: minimumMonths) <= overlapEnd.adding(days: 1)
                seniority.step(counts ? "ent.step.half_year" : "ent.step.half_year_short", overlapStart.description, overlapEnd.description, counts ? perHalf.description : "0")
                if counts { days = days + perHalf }
            }
            half = half.adding(months: 6)
        }
        let daily = monthly / Rational(perMonth)
        let due = days * daily
        seniority.step("ent.step.seniority", days.description, amount(monthly), String(perMonth), amount(due))
        lines.append(seniority.computed(due: due, paid: section.seniorityPaid, rounding: rule.rounding, currency: currency))
        // Back-pay for service before 2019 (garment, footwear and textile sectors; not on resignation).
        if start < rule.validFrom, var backpay = Optional(Line("seniority.backpay", .severance)),
           let backRule = self.rule("seniority.backpay", on: end, &backpay) {
            backpay.cite(divisorRule)
            if !(backRule.list("causes") ?? []).contains(cause.rawValue) {
                lines.append(backpay.notEntitled("ent.reason.backpay_cause"))
            } else if let sector = input.employment.sector, !(backRule.list("sectors") ?? []).contains(sector) {
                lines.append(backpay.notSupported("ent.reason.sector", sector))
            } else if input.employment.sector == nil {
                backpay.need("employment.sector"); lines.append(backpay.missingInput())
            } else {
                let before = ServiceLength(from: start, through: rule.validFrom.adding(days: -1))
                let perYear = backRule.integer("days_per_year") ?? 0, capMonths = backRule.integer("cap_months") ?? 0
                let uncapped = Rational(perYear) * Rational(before.years) * daily
                let cap = Rational(capMonths) * monthly
                let due = min(uncapped, cap)
                backpay.step("ent.step.backpay", String(before.years), String(perYear), amount(daily), amount(uncapped), String(capMonths), amount(cap))
                lines.append(backpay.computed(due: due, paid: section.backpayPaid, rounding: backRule.rounding, currency: currency))
            }
        }
        return lines
    }

    // MARK: Leave

    mutating func leave() -> EntitlementLine {
        var line = Line("leave", .leave)
        if let unsupported = unsupported("leave", line) { return unsupported }
        let section = input.leave!
        guard let (_, end, length) = service(&line) else { return line.missingInput() }
        var earned = Rational.zero
        let monthly = book.hasRule(regime.id, "leave.annual_monthly")
        for (index, period) in section.periods.enumerated() {
            let kind = monthly ? "leave.annual_monthly" : "leave.annual"
            guard let rule = book.rule(regime.id, kind, on: period.from) else { return line.notSupported("ent.reason.no_rule", period.from.description) }
            if let change = rule.validTo, change < period.to {
                line.need("leave.periods[\(index)]")
                return line.finish(.missingInput, reason: WorkingStep("ent.reason.split_period", [period.from.description, period.to.description, change.adding(days: 1).description]))
            }
            line.cite(rule)
            if monthly {
                let months = ServiceLength(from: period.from, through: period.to).totalMonths
                let perMonth = rule.decimal("days_per_month") ?? .zero
                let days = Rational(months) * perMonth
                line.step("ent.step.leave_months", period.from.description, period.to.description, String(months), perMonth.description, days.description)
                earned = earned + days
                if let every = rule.integer("extra_days_per_years_of_service"), every > 0 {
                    let extraPerYear = Rational(length.years / every)
                    let extra = extraPerYear * Rational(months) / Rational(12)
                    if !extra.isZero {
                        line.step("ent.step.leave_seniority", extraPerYear.description, String(months), extra.description)
                        earned = earned + extra
                    }
                }
            } else {
                guard let worked = period.daysWorked else { line.need("leave.periods[\(index)].days_worked"); continue }
                let per = rule.integer("days_worked_per_leave_day") ?? 18
                let days = Rational(worked) / Rational(per)
                line.step("ent.step.leave_days", period.from.description, period.to.description, String(worked), String(per), days.description)
                earned = earned + days
            }
        }
        guard line.missing.isEmpty else { return line.missingInput() }
        if !monthly, let qualifying = book.rule(regime.id, "leave.annual", on: end)?.integer("qualifying_service_years"), length.years < qualifying {
            return line.notEntitled("ent.reason.leave_service", String(qualifying))
        }
        let taken = section.daysTaken ?? .zero
        let unpaid = max(.zero, earned - taken)
        line.step("ent.step.leave_net", earned.description, taken.description, unpaid.description)
        guard let payRule = rule("leave.pay", on: end, &line), let perMonth = payRule.integer("days_per_month") else { return line.notSupported("ent.reason.no_rule", end.description) }
        guard let wage = wage(payRule.list("wage_components") ?? ["gross"], on: end, &line), line.missing.isEmpty else { return line.missingInput() }
        let daily = wage / Rational(perMonth)
        let due = unpaid * daily
        line.step("ent.step.leave_pay", unpaid.description, amount(wage), String(perMonth), amount(due))
        return line.computed(due: due, paid: section.paid, rounding: payRule.rounding, currency: currency)
    }

    // MARK: Maternity

    mutating func maternity() -> EntitlementLine {
        var line = Line("maternity", .benefits)
        if let unsupported = unsupported("maternity", line) { return unsupported }
        let section = input.maternity!
        guard let delivery = section.deliveryDate else { line.need("maternity.delivery_date"); return line.missingInput() }
        if let exclusion = book.rule(regime.id, "maternity.exclusion", on: delivery) {
            line.cite(exclusion)
            guard let children = section.survivingChildren else { line.need("maternity.surviving_children"); return line.missingInput() }
            let limit = exclusion.integer("excluded_from_surviving_children") ?? 2
            if children >= limit { return line.notEntitled("ent.reason.maternity_children", String(children), String(limit)) }
            return line.notSupported("ent.reason.maternity_amount_unknown")
        }
        guard let rule = rule("maternity.benefit", on: delivery, &line) else { return line.notSupported("ent.reason.no_rule", delivery.description) }
        guard let start = input.employment.start else { line.need("employment.start"); return line.missingInput() }
        let months = rule.integer("min_service_months_before_delivery") ?? 0
        if let limit = rule.integer("excluded_from_surviving_children") {
            guard let children = section.survivingChildren else { line.need("maternity.surviving_children"); return line.missingInput() }
            if children >= limit { return line.notEntitled("ent.reason.maternity_children", String(children), String(limit)) }
        }
        guard start.adding(months: months) <= delivery else { return line.notEntitled("ent.reason.maternity_service", start.description, String(months), delivery.description) }
        line.step("ent.step.maternity_service", start.description, String(months), delivery.description)
        let leaveDays = rule.integer("leave_days") ?? 0
        let due: Rational
        switch rule.text("daily_wage_method") {
        case "average_last_3_months":
            if section.wagesLast3Months == nil { line.need("maternity.wages_last_3_months") }
            if section.daysWorkedLast3Months == nil || section.daysWorkedLast3Months == 0 { line.need("maternity.days_worked_last_3_months") }
            guard line.missing.isEmpty, let wages = section.wagesLast3Months, let days = section.daysWorkedLast3Months else { return line.missingInput() }
            let daily = Rational(wages) / Rational(days)
            line.step("ent.step.maternity_daily_average", amount(wages), String(days), amount(daily))
            due = daily * Rational(leaveDays)
            line.step("ent.step.maternity_amount", String(leaveDays), amount(daily), amount(due))
        case "gross_divided":
            let divisor = rule.integer("divisor_days") ?? 26
            guard let gross = wage(["gross"], on: delivery, &line), line.missing.isEmpty else { return line.missingInput() }
            let daily = gross / Rational(divisor)
            line.step("ent.step.maternity_daily_gross", amount(gross), String(divisor), amount(daily))
            due = daily * Rational(leaveDays)
            line.step("ent.step.maternity_amount", String(leaveDays), amount(daily), amount(due))
        default:
            guard let wages = section.wagesLast12Months else { line.need("maternity.wages_last_12_months"); return line.missingInput() }
            let fraction = rule.decimal("wage_fraction") ?? .one
            let average = Rational(wages) / Rational(12)
            due = average * fraction * Rational(leaveDays) / Rational(30)
            line.step("ent.step.maternity_average_12", amount(wages), amount(average), fraction.description, String(leaveDays), amount(due))
        }
        return line.computed(due: due, paid: section.paid, rounding: rule.rounding, currency: currency)
    }

    // MARK: Festival bonus

    mutating func festivalBonus() -> EntitlementLine {
        var line = Line("festival_bonus", .bonus)
        if let unsupported = unsupported("festival_bonus", line) { return unsupported }
        guard let start = input.employment.start else { line.need("employment.start"); return line.missingInput() }
        var due = Rational.zero, paid: Int64 = 0
        var rounding = Rational.Rounding.halfUp
        var perYear: [Int: Int] = [:]
        for festival in input.festivals ?? [] {
            guard let rule = rule("festival_bonus", on: festival.date, &line) else { return line.notSupported("ent.reason.no_rule", festival.date.description) }
            rounding = rule.rounding
            perYear[festival.date.year, default: 0] += 1
            if let limit = rule.integer("bonuses_per_year"), perYear[festival.date.year]! > limit {
                return line.notSupported("ent.reason.bonus_count", String(festival.date.year), String(limit))
            }
            let qualifying = rule.integer("qualifying_service_years") ?? 1
            guard start.adding(years: qualifying) <= festival.date else {
                line.step("ent.step.bonus_not_due", festival.date.description, String(qualifying))
                continue
            }
            guard let basic = basic(on: festival.date, &line) else { return line.missingInput() }
            let months = rule.decimal("months_of_basic_per_bonus") ?? .one
            let amountDue = basic * months
            line.step("ent.step.bonus", festival.date.description, months.description, amount(basic), amount(amountDue), amount(festival.paid))
            due = due + amountDue
            paid += festival.paid
        }
        return line.computed(due: due, paid: paid, rounding: rounding, currency: currency)
    }
}
