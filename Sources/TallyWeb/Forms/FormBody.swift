import Hummingbird

/// Reads `application/x-www-form-urlencoded` bodies. The body is collected in place, so a
/// middleware can read it and the handler can read it again.
enum FormBody {
    /// The decoded form, or nil when the request is not a URL-encoded form.
    ///
    /// - Throws: ``AppError/badForm`` when the body is not valid form encoding.
    static func decode<Form: Decodable>(_ type: Form.Type, from request: inout Request, context: some RequestContext) async throws -> Form? {
        guard let contentType = request.headers[.contentType],
            contentType.lowercased().hasPrefix("application/x-www-form-urlencoded")
        else { return nil }
        let buffer = try await request.collectBody(upTo: context.maxUploadSize)
        do {
            return try URLEncodedFormDecoder().decode(Form.self, from: String(buffer: buffer))
        } catch {
            throw AppError.badForm
        }
    }
}
