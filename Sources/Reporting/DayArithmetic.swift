import Metering

extension LocalDay {
    /// "1 March 2027": locale-independent, for pages.
    public var longText: String {
        "\(day) \(Self.monthNames[month - 1]) \(year)"
    }

    /// "1 Mar": for tight places.
    public var shortText: String {
        "\(day) \(Self.monthNames[month - 1].prefix(3))"
    }

    private static let monthNames = [
        "January", "February", "March", "April", "May", "June",
        "July", "August", "September", "October", "November", "December",
    ]
}
