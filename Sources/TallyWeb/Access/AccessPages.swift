import Templating

/// The login page's view model.
struct LoginPageView: KeyedTemplateValue {
    /// The CSRF token for the form.
    let csrfToken: String
    /// The email to show again after a failed attempt.
    let email: String
    /// An error sentence, or empty.
    let error: String

    static let templateKeys: TemplateKeys<Self> = [
        "csrfToken": { $0.csrfToken },
        "email": { $0.email },
        "error": { $0.error.isEmpty ? nil : $0.error },
        "hasError": { !$0.error.isEmpty },
    ]
}
