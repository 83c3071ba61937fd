import HummingbirdCore
import Logging
import NIOCore

/// Hummingbird's HTTP/1.1 connection, cancelled as soon as its client goes away: the request in
/// hand stops waiting, the statement it waits for is cancelled (`PQcancel`), and its pooled
/// database connection is free at once rather than when the statement would have ended.
///
/// Hummingbird answers a connection's requests one after another in the connection's task, and
/// reads nothing from the client while it answers one, so by itself it learns that the client
/// left only when it writes the answer. (Its `consumeWithCancellationOnInboundClose` does watch,
/// but closes the connection after each answer, which would end keep-alive.) Here a channel
/// handler watches the socket, and the connection's task is cancelled when the client's side
/// closes; the cancelled request throws `CancellationError`, which the error middleware answers
/// with 499 for the log and the metrics, and the connection closes.
///
/// The server allows half-closed connections, so a client that closes shows first as its input
/// closing (`ChannelEvent.inputClosed`), not as the channel closing; like nginx, Tally takes a
/// client that stops sending as gone.
struct CancelOnDisconnectChannel: ServerChildChannel {
    /// The HTTP connection and the signal that its client went away.
    struct Value: ServerChildChannelValue {
        let http: HTTP1Channel.Value
        let clientGone: AsyncStream<Void>
        var channel: any Channel { http.channel }
    }

    let http1: HTTP1Channel

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        let (clientGone, signal) = AsyncStream<Void>.makeStream()
        return channel.eventLoop.makeCompletedFuture {
            try channel.pipeline.syncOperations.addHandler(ClientGoneHandler(signal: signal))
        }.flatMap {
            http1.setup(channel: channel, logger: logger)
        }.map { http in
            Value(http: http, clientGone: clientGone)
        }
    }

    func handle(value: Value, logger: Logger) async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await http1.handle(value: value.http, logger: logger) }
            group.addTask { for await _ in value.clientGone {} }
            // Whichever ends first ends the other: the connection done, or the client gone.
            await group.next()
            group.cancelAll()
        }
    }
}

/// Ends its stream when the client closes its side of the connection, or the connection closes.
private final class ClientGoneHandler: ChannelInboundHandler {
    typealias InboundIn = NIOAny

    private let signal: AsyncStream<Void>.Continuation

    init(signal: AsyncStream<Void>.Continuation) {
        self.signal = signal
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? ChannelEvent, event == .inputClosed { signal.finish() }
        context.fireUserInboundEventTriggered(event)
    }

    func channelInactive(context: ChannelHandlerContext) {
        signal.finish()
        context.fireChannelInactive()
    }
}

extension TallyApplication {
    /// HTTP/1.1 whose connections are cancelled when their client goes away
    /// (`CancelOnDisconnectChannel`); the server of `make` and of live tests.
    public static func httpServer() -> HTTPServerBuilder {
        HTTPServerBuilder { responder in
            CancelOnDisconnectChannel(http1: HTTP1Channel(responder: responder))
        }
    }
}
