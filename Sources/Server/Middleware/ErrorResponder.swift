import Hummingbird
import NIOCore

/// The one place errors become responses: an `HTTPResponseError` (`FastAPIError`,
/// `InferenceError`) answers as it renders itself, anything else as FastAPI's 500, so the
/// responders outside it never see a thrown error.
struct ErrorResponder<Next: HTTPResponder>: HTTPResponder where Next.Context == ServerRequestContext {
  typealias Context = ServerRequestContext

  let next: Next

  func respond(to request: Request, context: Context) async throws -> Response {
    do {
      return try await next.respond(to: request, context: context)
    } catch let error as any HTTPResponseError {
      let response = try error.response(from: request, context: context)
      if response.headers[.connection] == "close" {
        // The body is not read to its end: stop reading, so the connection closes once the
        // answer is written instead of after the client has sent everything.
        context.channel.close(mode: .input, promise: nil)
      }
      return response
    } catch {
      return Response.json(#"{"detail":"Internal Server Error"}"#, status: .internalServerError)
    }
  }
}
