// libFuzzer entry point: arbitrary bytes as a POST /api/v1/events body, through the whole
// validation the ingest runs before it touches the database (the strict JSON parser, every
// event's fields, the usage shapes, the bounds, the batch's duplicates). Any crash, hang or
// sanitizer report is a bug; refusals are expected outcomes. How to run: docs/api.md, "Fuzzing".
import Foundation
import MeteringStore

private let validator = EventValidator(settings: MeteringSettings(), now: Date(timeIntervalSince1970: 1_803_124_800))
private let strict = EventValidator(settings: MeteringSettings(strictTagging: true, lateWindowDays: 3650), now: Date(timeIntervalSince1970: 1_803_124_800))

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let body = Data(UnsafeRawBufferPointer(start: start, count: count))
    _ = try? validator.validate(body)
    _ = try? strict.validate(body)
    return 0
}
