import Templating
import Foundation
import Hummingbird
import Metering
import MeteringStore
import TallyAccess

/// Importing a price list: `GET /admin/prices/import` (the form; sales see the formats only),
/// `POST /admin/prices/import` (preview: what would be added or changed, errors by line) and
/// `POST /admin/prices/import/apply` (adds the versions, audited; 303 to the prices page).
struct PriceImportRoutes {
    let prices: PriceStore
    let pages: Pages
    let clock: any WallClock

    func register(on router: Router<AppRequestContext>) {
        router.group("/admin/prices", context: StaffRequestContext.self).get("import") { _, context in
            var view = PriceImportView()
            view.form.values["effective_from"] = utcInputValue(clock.now())
            return try pages.page("admin/price-import", frame: .staff(context.session, current: .prices), view)
        }
        let admin = router.group("/admin/prices", context: AdminRequestContext.self)
        admin.post("import") { request, context in
            var request = request
            return try await preview(try await FormState.read(&request, context: context), context)
        }
        admin.post("import/apply") { request, context in
            var request = request
            return try await apply(try await FormState.read(&request, context: context), context)
        }
    }

    /// Reads the form: the view with messages, and the list and date when usable.
    private func read(_ submitted: FormState) -> (PriceImportView, PriceList?, Date?) {
        var view = PriceImportView()
        // An uploaded file (`list_file`) takes the place of the pasted text.
        let uploaded = submitted.values["list_file"] ?? ""
        view.form = FormState([
            "list": uploaded.isEmpty ? submitted.values["list"] ?? "" : uploaded, "effective_from": submitted["effective_from"],
            "only": submitted["only"],
        ])
        let effective = parseUTCInstant(view.form["effective_from"])
        if let effective {
            view.form.values["effective_from"] = utcInputValue(effective)
        } else {
            view.form.errors["effective_from"] = "Enter a date (YYYY-MM-DD) or date and time (UTC)."
        }
        guard !view.form["list"].isEmpty else {
            view.form.errors["list"] = "Paste a price list in one of the formats below."
            return (view, nil, effective)
        }
        let list = PriceList.parse(view.form.values["list"] ?? "", only: view.form["only"])
        view.format = list.format.label
        view.errors = list.errors.map(PriceNoteView.init)
        view.skipped = list.skipped.map(PriceNoteView.init)
        view.roundedCount = list.entries.filter { !$0.rounded.isEmpty }.count
        if !list.errors.isEmpty {
            view.form.errors["list"] =
                "\(list.errors.count) \(list.errors.count == 1 ? "line has" : "lines have") errors (listed above); nothing is imported until all are fixed."
        } else if list.entries.isEmpty {
            view.form.errors["list"] = "No model in the list passes the filter."
        }
        return (view, list, effective)
    }

    private func preview(_ form: FormState, _ context: AdminRequestContext) async throws -> Response {
        let frame = PageFrame.staff(context.session, current: .prices)
        let (validated, list, effective) = read(form)
        var view = validated
        guard let list, let effective, !view.hasErrors else {
            return try pages.page("admin/price-import", frame: frame, view, status: .unprocessableContent)
        }
        let changes = try await prices.preview(list, effectiveFrom: effective)
        view.changes = changes.map(PriceChangeView.init)
        view.addCount = changes.filter { $0.action != .unchanged }.count
        view.isPreview = true
        return try pages.page("admin/price-import", frame: frame, view)
    }

    private func apply(_ form: FormState, _ context: AdminRequestContext) async throws -> Response {
        let frame = PageFrame.staff(context.session, current: .prices)
        let (validated, list, effective) = read(form)
        var view = validated
        guard let list, let effective, !view.hasErrors else {
            return try pages.page("admin/price-import", frame: frame, view, status: .unprocessableContent)
        }
        do {
            let changes = try await prices.importList(list, effectiveFrom: effective, by: context.auditActor, at: clock.now())
            return redirect(to: "/admin/prices?imported=\(changes.count)")
        } catch PriceChangeError.nothingToImport {
            view.form.errors["list"] = "Every model in the list already has these prices: nothing to import."
        } catch PriceChangeError.versionExists(let model, _) {
            view.form.errors["effective_from"] = "\(model) already has a version from this instant: choose another date."
        }
        return try pages.page("admin/price-import", frame: frame, view, status: .unprocessableContent)
    }
}

/// A line in error or skipped.
struct PriceNoteView: KeyedTemplateValue, Sendable {
    let line: String
    let model: String
    let message: String

    static let templateKeys: TemplateKeys<Self> = [
        "line": { $0.line },
        "model": { $0.model },
        "message": { $0.message },
    ]

    init(_ note: PriceListNote) {
        line = String(note.line)
        model = note.model ?? ""
        message = note.message
    }
}

/// A previewed change.
struct PriceChangeView: KeyedTemplateValue, Sendable {
    let line: String
    let model: String
    let action: String
    let badge: String
    let input: String
    let cachedInput: String
    let output: String
    let before: String
    /// The other prices and tiers the entry sets, e.g. `cache write 5 min $3.75; above 200k tokens`.
    let more: String
    /// The prices rounded to what Tally holds, as read → as kept.
    let rounded: String

    static let templateKeys: TemplateKeys<Self> = [
        "line": { $0.line },
        "model": { $0.model },
        "action": { $0.action },
        "badge": { $0.badge },
        "input": { $0.input },
        "cachedInput": { $0.cachedInput },
        "output": { $0.output },
        "before": { $0.before },
        "more": { $0.more },
        "rounded": { $0.rounded },
    ]

    init(_ change: PriceImportChange) {
        let entry = change.entry
        line = String(entry.line)
        model = entry.model
        input = MoneyText.perMillion(entry.input)
        cachedInput = MoneyText.perMillion(entry.cachedInput)
        output = MoneyText.perMillion(entry.output)
        more = PriceSheetText.extras(entry.sheet)
        rounded = entry.rounded.joined(separator: "; ")
        switch change.action {
        case .add: (action, badge, before) = ("New", "badge-ok", "")
        case .unchanged: (action, badge, before) = ("Unchanged", "badge", "")
        case .change(let old):
            (action, badge) = ("Changed", "badge-warning")
            before = "was \(MoneyText.perMillion(old.input)) / \(MoneyText.perMillion(old.cachedInput)) / \(MoneyText.perMillion(old.output))"
        }
    }
}

/// The import page: the form, then either the errors or the preview.
struct PriceImportView: KeyedTemplateValue, Sendable {
    /// The list, `effective_from` and `only` as typed, with their messages.
    var form = FormState()
    var format = ""
    var errors: [PriceNoteView] = []
    var skipped: [PriceNoteView] = []
    var changes: [PriceChangeView] = []
    var addCount = 0
    var roundedCount = 0
    var isPreview = false
    var hasErrors: Bool { form.hasErrors }
    var hasLineErrors: Bool { !errors.isEmpty }
    var hasSkipped: Bool { !skipped.isEmpty }
    var canApply: Bool { isPreview && addCount > 0 }
    var addCountText: String { String(addCount) }
    var importedCountText: String { String(changes.count) }
    var roundedCountText: String { String(roundedCount) }
    var skippedCountText: String { String(skipped.count) }

    static let templateKeys: TemplateKeys<Self> = [
        "form": { $0.form },
        "format": { $0.format },
        "errors": { $0.errors },
        "skipped": { $0.skipped },
        "changes": { $0.changes },
        "isPreview": { $0.isPreview },
        "hasErrors": { $0.hasErrors },
        "hasLineErrors": { $0.hasLineErrors },
        "hasSkipped": { $0.hasSkipped },
        "canApply": { $0.canApply },
        "addCount": { $0.addCountText },
        "importedCount": { $0.importedCountText },
        "roundedCount": { $0.roundedCountText },
        "skippedCount": { $0.skippedCountText },
    ]
}

/// A price sheet's prices beyond input, cached input and output, for the import preview and the
/// prices page: only those that differ from their defaults.
enum PriceSheetText {
    static let labels: [TokenKind: String] = [
        .cacheWrite5m: "cache write 5 min", .cacheWrite1h: "cache write 1 h", .reasoning: "reasoning",
        .audioInput: "audio in", .audioOutput: "audio out", .imageInput: "image in",
    ]

    static func extras(_ sheet: PriceSheet) -> String {
        let defaults = TokenRates(input: sheet.input, cachedInput: sheet.cachedInput, output: sheet.output)
        var parts = TokenKind.allCases.compactMap { kind -> String? in
            guard let label = labels[kind], sheet.rates[kind] != defaults[kind] else { return nil }
            return "\(label) \(MoneyText.perMillion(sheet.rates[kind]))"
        }
        if sheet.perRequest != .zero { parts.append("per request \(sheet.perRequest.formatted(fractionDigits: 6))") }
        if sheet.perQuery != .zero { parts.append("per web search \(sheet.perQuery.formatted(fractionDigits: 6))") }
        for tier in sheet.tiers {
            let name = tier.serviceTier == .standard ? "" : tier.serviceTier.rawValue
            let above = tier.aboveInputTokens > 0 ? "above \(tier.aboveInputTokens) tokens" : ""
            parts.append([name, above].filter { !$0.isEmpty }.joined(separator: " ")
                + ": \(MoneyText.perMillion(tier.rates[.input])) / \(MoneyText.perMillion(tier.rates[.cachedInput])) / \(MoneyText.perMillion(tier.rates[.output]))")
        }
        return parts.joined(separator: "; ")
    }
}
