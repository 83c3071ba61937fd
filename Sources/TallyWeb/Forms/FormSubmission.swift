import Hummingbird
import TallyDatabase

/// The one way a form is handled: read the body, parse it into the form's typed value, perform
/// the change, and either answer (usually a 303) or show the page again with the input kept,
/// every message under its field, and 422 (or the refusal's own status, such as 409).
///
/// `parse` throws ``FieldErrors`` for text it cannot read (and may add a domain's own checks);
/// `perform` throws a domain refusal (`Refused<Problem>`, or a reason enum that is a
/// ``FieldRefusal``) or ``FieldErrors``. `refused` renders the page for the form it is given;
/// its status is replaced by the refusal's.
enum FormSubmission {
    static func handle<Input>(
        _ request: Request, context: some RequestContext, requireForm: Bool = false,
        parse: (FormState) throws -> Input,
        perform: (Input) async throws -> Response,
        refused: (FormState) async throws -> Response
    ) async throws -> Response {
        var request = request
        var form = try await FormState.read(&request, context: context, requireForm: requireForm)
        let status: HTTPResponse.Status
        do {
            return try await perform(try parse(form))
        } catch let errors as FieldErrors {
            form.errors = errors
            status = .unprocessableContent
        } catch let refusal as any FieldRefusal {
            form.errors = refusal.fieldErrors
            status = refusal.formStatus
        }
        var response = try await refused(form)
        response.status = status
        return response
    }
}

/// A refusal that a form shows field by field: a domain's `Refused<Problem>`, or one of its
/// reason enums thrown on its own.
protocol FieldRefusal: Error {
    /// The messages by field.
    var fieldErrors: FieldErrors { get }
    /// The status of the page that shows them. (Not named `status`: `Refused` already has a
    /// `status` from `HTTPResponseError`, and sharing that witness under a conditional
    /// conformance miscompiles in Swift 6.3 at -Onone.)
    var formStatus: HTTPResponse.Status { get }
}

extension Refused: FieldRefusal where Problem: ProblemWording {
    var fieldErrors: FieldErrors { FieldErrors(self) }
    var formStatus: HTTPResponse.Status { problems[0].status }
}

extension FieldRefusal where Self: ProblemWording {
    var fieldErrors: FieldErrors { FieldErrors(field, message) }
    var formStatus: HTTPResponse.Status { status }
}
