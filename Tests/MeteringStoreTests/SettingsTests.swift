import TallyDatabase
import Metering
import MeteringStore
import TallyWebTestSupport
import Testing

@Suite("Operator settings")
struct SettingsTests {
    @Test("settings read back what was set; an out-of-range late window is refused and changes nothing")
    func roundTrip() async throws {
        try await MeteringHarness.with { harness in
            #expect(try await harness.catalog.settings() == MeteringSettings())
            let changed = MeteringSettings(infraOverhead: try BasisPoints(1_250), strictTagging: true, lateWindowDays: 7)
            try await harness.catalog.updateSettings(changed)
            #expect(try await harness.catalog.settings() == changed)
            await #expect(throws: Refused<SettingsProblem>.self) {
                try await harness.catalog.updateSettings(MeteringSettings(lateWindowDays: 0))
            }
            #expect(try await harness.catalog.settings() == changed)
        }
    }
}
