// libFuzzer entry point: arbitrary bytes as an application/x-www-form-urlencoded body, decoded the
// way the routes decode it (Hummingbird's URLEncodedFormDecoder) into the app's form types, then
// read by the parsers behind the admin and portal forms (plans, entitlements, grants, prices,
// alert rules, webhooks). Built in debug, where SwiftPM compiles TallyWeb with testing enabled,
// so the internal forms are reachable. Any crash, hang or sanitizer report is a bug; refusals
// are expected outcomes. How to run: docs/api.md, "Fuzzing".
import Foundation
import Hummingbird
@testable import TallyWeb

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let text = String(decoding: UnsafeRawBufferPointer(start: start, count: count), as: UTF8.self)
    let decoder = URLEncodedFormDecoder()
    if let raw = try? decoder.decode(RawForm.self, from: text) {
        var errors: [String: String] = [:]
        _ = PlanForm.parse(raw, errors: &errors)
        _ = EntitlementForm.parse(raw, errors: &errors)
        _ = GrantForm.parse(raw, errors: &errors)
        _ = RuleForm.parse(kind: raw["rule"], rate: raw["rate"], errors: &errors)
    }
    if let price = try? decoder.decode(PriceVersionForm.self, from: text) {
        _ = PriceVersionFormView.validate(price)
    }
    if let rules = try? decoder.decode(AlertRulesForm.self, from: text) {
        _ = rules.settings()
    }
    if let webhook = try? decoder.decode(WebhookForm.self, from: text) {
        _ = webhook.draft.problems()
    }
    _ = try? decoder.decode(ReRateRoutes.Form.self, from: text)
    _ = try? decoder.decode(PriceImportRoutes.Form.self, from: text)
    return 0
}
