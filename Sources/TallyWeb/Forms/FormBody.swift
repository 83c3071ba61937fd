import Hummingbird

/// Reads `application/x-www-form-urlencoded` bodies, and `multipart/form-data` ones (file
/// uploads, `MultipartBody`). The body is collected in place, so a middleware can read it and the
/// handler can read it again.
enum FormBody {
    /// Paths whose forms upload a whole file (LiteLLM's price list is about 3.4 MB): they may
    /// send up to `maxUploadBytes`; every other form keeps the context's limit (about 1 MiB).
    static let uploadPaths: Set<String> = ["/admin/prices/import", "/admin/prices/import/apply"]
    /// The most an upload form may weigh: 16 MiB.
    static let maxUploadBytes = 16 * 1024 * 1024

    /// The decoded form, or nil when the request is not a form.
    ///
    /// - Throws: ``AppError/badForm`` when the body is not valid form encoding; Hummingbird's
    ///   413 when it is larger than the path allows.
    static func decode<Form: Decodable>(_ type: Form.Type, from request: inout Request, context: some RequestContext) async throws -> Form? {
        guard let contentType = request.headers[.contentType] else { return nil }
        let lowered = contentType.lowercased()
        let limit = uploadPaths.contains(request.uri.path) ? maxUploadBytes : context.maxUploadSize
        let text: String
        if lowered.hasPrefix("application/x-www-form-urlencoded") {
            text = String(buffer: try await request.collectBody(upTo: limit))
        } else if lowered.hasPrefix("multipart/form-data"), uploadPaths.contains(request.uri.path) {
            guard let boundary = MultipartBody.boundary(contentType: contentType) else { throw AppError.badForm }
            let buffer = try await request.collectBody(upTo: limit)
            guard let fields = MultipartBody.fields(Array(buffer.readableBytesView), boundary: boundary) else { throw AppError.badForm }
            text = MultipartBody.urlEncoded(fields)
        } else {
            return nil
        }
        do {
            return try URLEncodedFormDecoder().decode(Form.self, from: text)
        } catch {
            throw AppError.badForm
        }
    }
}
