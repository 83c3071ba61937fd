import HTTPTypes

extension AppError {
    /// 303 to the login page: the request needs a signed-in user and has none (or the session
    /// ended). Pages answer this instead of 401 so a browser lands on the form.
    static let signInRequired = AppError(
        .seeOther, "Please sign in.", headers: [.location: "/login"])

    /// 403 for a signed-in user whose role may not do this.
    static let forbidden = AppError(.forbidden, "You do not have access to this page.")

    /// 403 for a state-changing request without the session's CSRF token, or from another site.
    static let csrfRejected = AppError(
        .forbidden, "This form has expired or was sent from another site. Go back, reload the page and try again.")

    /// 400 for a form that cannot be read.
    static let badForm = AppError(.badRequest, "The form could not be read. Reload the page and try again.")
}
