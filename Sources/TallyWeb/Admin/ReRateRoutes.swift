import Templating
import Foundation
import Hummingbird
import Metering
import MeteringStore
import TallyAccess

/// Re-rating: `GET /admin/prices/rerate?from=&to=&model=` shows the form and, with a range, the
/// preview of the cost difference per account (admin and sales); `POST /admin/prices/rerate`
/// (admin) applies it after a required confirmation, then 303 back with the result.
struct ReRateRoutes {
    let rater: ReRater
    let pages: Pages
    let clock: any WallClock

    /// The longest range one re-rate covers.
    static let maximumDays = 400


    func register(on router: Router<AppRequestContext>) {
        router.group("/admin/prices", context: StaffRequestContext.self).get("rerate") { request, context in
            let query = request.queryDictionary
            let form = FormState(query.filter { ["from", "to", "model"].contains($0.key) })
            var frame = PageFrame.staff(context.session, current: .prices)
            if let done = query["done"] { frame.banners.append(PageBanner(level: .info, message: "Re-rated \(done) events.")) }
            guard query["from"] != nil || query["to"] != nil else {
                return try pages.page("admin/rerate", frame: frame, ReRateView())
            }
            let (validated, range) = read(form)
            var view = validated
            guard let range else { return try pages.page("admin/rerate", frame: frame, view, status: .unprocessableContent) }
            let previewed = try await preview(range, into: &view)
            return try pages.page("admin/rerate", frame: frame, view, status: previewed ? .ok : .unprocessableContent)
        }
        router.group("/admin/prices", context: AdminRequestContext.self).post("rerate") { request, context in
            var request = request
            return try await apply(try await FormState.read(&request, context: context), context)
        }
    }

    /// Validates the range fields.
    private func read(_ submitted: FormState) -> (ReRateView, ReRateRange?) {
        var form = FormState([
            "from": submitted["from"], "to": submitted["to"], "model": IdentityText.normalized(submitted["model"]),
        ])
        let from = parseDay(form["from"])
        let to = parseDay(form["to"])
        if from == nil { form.errors["from"] = "Enter the first day as YYYY-MM-DD." }
        if to == nil { form.errors["to"] = "Enter the last day as YYYY-MM-DD." }
        if form["model"].count > 200 { form.errors["model"] = "Use at most 200 characters." }
        guard let from, let to, form.errors["model"] == nil else { return (ReRateView(form: form), nil) }
        if to < from {
            form.errors["to"] = "The last day must not be before the first."
        } else if OverviewRoutes.days(from: from, through: to) > Self.maximumDays {
            form.errors["to"] = "Re-rate at most \(Self.maximumDays) days at a time."
        }
        guard form.errors["to"] == nil else { return (ReRateView(form: form), nil) }
        let utc = TimeZone(secondsFromGMT: 0)!
        return (ReRateView(form: form), ReRateRange(
            from: from.start(in: utc), until: to.next.start(in: utc), model: form["model"].isEmpty ? nil : form["model"]))
    }

    private func apply(_ form: FormState, _ context: AdminRequestContext) async throws -> Response {
        let frame = PageFrame.staff(context.session, current: .prices)
        let (validated, range) = read(form)
        var view = validated
        guard let range else { return try pages.page("admin/rerate", frame: frame, view, status: .unprocessableContent) }
        guard form["confirm"] == "yes" else {
            if try await preview(range, into: &view) { view.confirmError = "Tick the box to confirm: stored costs will change." }
            return try pages.page("admin/rerate", frame: frame, view, status: .unprocessableContent)
        }
        do {
            let result = try await rater.apply(range, confirmation: form["confirmation"], by: context.auditActor, at: clock.now())
            let query = "from=\(view.form["from"])&to=\(view.form["to"])" + (range.model.map { "&model=" + queryValue($0) } ?? "")
            return redirect(to: "/admin/prices/rerate?\(query)&done=\(result.changedEvents)")
        } catch ReRateError.changedSincePreview {
            view.confirmError = "Prices or events changed since this preview: review the new difference and confirm again."
        } catch ReRateError.nothingToChange {
            view.confirmError = "Nothing in this range changes: every event already has today's price."
        } catch ReRateError.eventOutOfBounds(let eventID, let problem) {
            view.confirmError = Self.outOfBoundsMessage(eventID, problem)
            return try pages.page("admin/rerate", frame: frame, view, status: .unprocessableContent)
        }
        try await preview(range, into: &view)
        return try pages.page("admin/rerate", frame: frame, view, status: .unprocessableContent)
    }

    /// Fills `view.preview`; when an event would leave the bounds at today's prices, says so
    /// instead and returns false.
    @discardableResult
    private func preview(_ range: ReRateRange, into view: inout ReRateView) async throws -> Bool {
        do {
            view.preview = ReRatePreviewView(try await rater.preview(range))
            return true
        } catch ReRateError.eventOutOfBounds(let eventID, let problem) {
            view.confirmError = Self.outOfBoundsMessage(eventID, problem)
            return false
        }
    }

    private static func outOfBoundsMessage(_ eventID: String, _ problem: EventBoundError) -> String {
        "Nothing can be re-rated: at today's prices event \(eventID) \(problem). Check the price list."
    }
}

/// The re-rate page.
struct ReRateView: KeyedTemplateValue, Sendable {
    /// The range (`from`, `to`, `model`) as typed, with its messages.
    var form = FormState()
    var confirmError: String?
    var preview: ReRatePreviewView?
    var hasErrors: Bool { form.hasErrors }

    static let templateKeys: TemplateKeys<Self> = [
        "form": { $0.form },
        "confirmError": { $0.confirmError },
        "preview": { $0.preview },
        "hasErrors": { $0.hasErrors },
    ]
}

/// One account's difference.
struct ReRateAccountRow: KeyedTemplateValue, Sendable {
    let name: String
    let externalID: String
    let events: String
    let before: String
    let after: String
    let delta: String
    let credits: String

    static let templateKeys: TemplateKeys<Self> = [
        "name": { $0.name },
        "externalID": { $0.externalID },
        "events": { $0.events },
        "before": { $0.before },
        "after": { $0.after },
        "delta": { $0.delta },
        "credits": { $0.credits },
    ]
}

/// The preview of a re-rate.
struct ReRatePreviewView: KeyedTemplateValue, Sendable {
    let examined: String
    let changed: String
    let before: String
    let after: String
    let delta: String
    let credits: String
    let confirmation: String
    let accounts: [ReRateAccountRow]
    let hasChanges: Bool

    static let templateKeys: TemplateKeys<Self> = [
        "examined": { $0.examined },
        "changed": { $0.changed },
        "before": { $0.before },
        "after": { $0.after },
        "delta": { $0.delta },
        "credits": { $0.credits },
        "confirmation": { $0.confirmation },
        "accounts": { $0.accounts },
        "hasChanges": { $0.hasChanges },
    ]

    init(_ result: ReRateResult) {
        examined = countText(Int64(result.eventsExamined))
        changed = countText(Int64(result.changedEvents))
        before = MoneyText.precise(result.costBefore)
        after = MoneyText.precise(result.costAfter)
        delta = Self.signed(result.costDelta)
        credits = Self.signed(result.creditsDelta)
        confirmation = result.confirmation
        accounts = result.accounts.map {
            ReRateAccountRow(
                name: $0.name, externalID: $0.externalID, events: countText(Int64($0.events)),
                before: MoneyText.precise($0.costBefore), after: MoneyText.precise($0.costAfter),
                delta: Self.signed($0.costDelta), credits: Self.signed($0.creditsDelta))
        }
        hasChanges = result.changedEvents > 0
    }

    static func signed(_ money: Money) -> String { (money.nanos > 0 ? "+" : "") + MoneyText.precise(money) }
    static func signed(_ credits: Credits) -> String { (credits.millis > 0 ? "+" : "") + credits.formatted }
}
