internal import CMicroHTTPD
import Foundation

// The C callbacks of the bridge. They live in a library file, not in `main.swift`, because top-level code there is
// main-actor isolated and would trap when a libmicrohttpd thread calls it.

/// Bodies larger than the limit are read and thrown away up to this much, so the client still gets its 413;
/// past it the connection is closed.
private let discardLimit = 4 * 1024 * 1024

let accessHandler: MHD_AccessHandlerCallback = {
    cls,
    connection,
    url,
    method,
    version,
    uploadData,
    uploadDataSize,
    conCls in
    guard let cls, let connection, let conCls, let uploadDataSize else { return cmhd_no() }
    let server = Unmanaged<HTTPServer>.fromOpaque(cls).takeUnretainedValue()

    // First call: headers only.
    guard let existing = conCls.pointee else {
        let context = RequestContext(
            connection: connection,
            method: method.map { String(cString: $0) } ?? "GET",
            path: url.map { String(cString: $0) } ?? "/",
            version: version.map { String(cString: $0) } ?? "HTTP/1.1",
            headers: readHeaders(connection),
            query: readQuery(connection)
        )
        context.remoteAddress = readClientAddress(connection)
        context.route(with: server.routing)
        conCls.pointee = Unmanaged.passRetained(context).toOpaque()
        let key = UInt(bitPattern: Int(bitPattern: UnsafeRawPointer(connection)))
        if server.encodedNUL.withLock({ $0.remove(key) }) != nil {
            return answerEarly(
                server,
                context,
                HTTPError.badRequest("The URL holds an encoded NUL byte (%00).").response
            )
        }
        if server.isDraining {
            return answerEarly(
                server,
                context,
                HTTPError.serviceUnavailable("The server is shutting down.").response
            )
        }
        let limit = server.configuration.maxBodySize(for: context.path)
        if let length = context.headers["Content-Length"], let size = Int(length), size > limit {
            return answerEarly(server, context, HTTPError.payloadTooLarge(limit: limit).response)
        }
        return cmhd_yes()
    }
    let context = Unmanaged<RequestContext>.fromOpaque(existing).takeUnretainedValue()

    // Answered at the first call (413, 400, 503): whatever else arrives is dropped, and nothing runs.
    if context.answeredEarly {
        uploadDataSize.pointee = 0
        return cmhd_yes()
    }

    // A chunk of the body: copy it while it fits, count and drop it when not.
    if uploadDataSize.pointee > 0 {
        let size = uploadDataSize.pointee
        uploadDataSize.pointee = 0
        if context.oversized || context.body.count + size > server.configuration.maxBodySize(for: context.path) {
            context.oversized = true
            context.body = Data()
            context.discardedBytes += size
            return context.discardedBytes > discardLimit ? cmhd_no() : cmhd_yes()
        }
        if let uploadData {
            context.body.append(UnsafeRawPointer(uploadData).assumingMemoryBound(to: UInt8.self), count: size)
        }
        return cmhd_yes()
    }

    // The last call: answer, or suspend and run the handler, or queue what the resumed handler left.
    let ready = context.phase.withLock { phase -> Response? in
        if case .ready(let response) = phase {
            phase = .sent
            return response
        }
        return nil
    }
    if let ready {
        server.didAnswerSuspended(context)
        return queue(server, context, ready)
    }
    if context.oversized {
        return queue(
            server,
            context,
            HTTPError.payloadTooLarge(limit: server.configuration.maxBodySize(for: context.path)).response
        )
    }
    if server.isDraining {
        return queue(server, context, HTTPError.serviceUnavailable("The server is shutting down.").response)
    }
    if let response = server.respondImmediately(context.request) {
        return queue(server, context, response)
    }
    server.dispatch(context)
    return cmhd_yes()
}

/// Sees each request line before libmicrohttpd decodes it; returns nil so `con_cls` starts empty.
let rawURIObserver:
    @convention(c) (UnsafeMutableRawPointer?, UnsafePointer<CChar>?, OpaquePointer?) -> UnsafeMutableRawPointer? = {
        cls,
        uri,
        connection in
        guard let cls, let uri, let connection, strstr(uri, "%00") != nil else { return nil }
        let server = Unmanaged<HTTPServer>.fromOpaque(cls).takeUnretainedValue()
        server.encodedNUL.withLock { set in
            if set.count > 10_000 { set.removeAll() }
            set.insert(UInt(bitPattern: Int(bitPattern: UnsafeRawPointer(connection))))
        }
        return nil
    }

let requestCompleted: MHD_RequestCompletedCallback = { cls, _, conCls, _ in
    guard let cls, let conCls, let pointer = conCls.pointee else { return }
    let context = Unmanaged<RequestContext>.fromOpaque(pointer)
    Unmanaged<HTTPServer>.fromOpaque(cls).takeUnretainedValue().didFinish(context.takeUnretainedValue())
    context.release()
    conCls.pointee = nil
}

/// Answers at the first call, before any body is read; the calls that may still come for this request do nothing.
private func answerEarly(_ server: HTTPServer, _ context: RequestContext, _ response: Response) -> MHD_Result {
    context.answeredEarly = true
    return queue(server, context, response)
}

private func queue(_ server: HTTPServer, _ context: RequestContext, _ response: Response) -> MHD_Result {
    let mhdResponse: OpaquePointer?
    if let shared = response.shared {
        // No copy: libmicrohttpd sends from the shared bytes and releases them when it drops the response.
        mhdResponse = MHD_create_response_from_buffer_with_free_callback_cls(
            shared.count,
            shared.pointer,
            { Unmanaged<SharedBytes>.fromOpaque($0!).release() },
            Unmanaged.passRetained(shared).toOpaque()
        )
        if mhdResponse == nil { Unmanaged.passUnretained(shared).release() }
    } else {
        mhdResponse = response.body.withUnsafeBytes { buffer in
            cmhd_response_copy(buffer.baseAddress, buffer.count)
        }
    }
    guard let mhdResponse else { return cmhd_no() }
    defer { MHD_destroy_response(mhdResponse) }
    for field in response.headers {
        _ = MHD_add_response_header(mhdResponse, field.name, field.value)
    }
    server.log(context, status: response.status)
    return MHD_queue_response(context.connection, UInt32(response.status.code), mhdResponse)
}

private func readHeaders(_ connection: OpaquePointer) -> HTTPHeaders {
    var headers = HTTPHeaders()
    withUnsafeMutablePointer(to: &headers) { pointer in
        _ = cmhd_headers(
            connection,
            { cls, _, key, keySize, value, valueSize in
                guard let cls, let key else { return cmhd_yes() }
                let headers = cls.assumingMemoryBound(to: HTTPHeaders.self)
                headers.pointee.add(decode(key, keySize), value.map { decode($0, valueSize) } ?? "")
                return cmhd_yes()
            },
            pointer
        )
    }
    return headers
}

/// The socket peer's address (`127.0.0.1`, `::1`), or nil when libmicrohttpd does not know it.
private func readClientAddress(_ connection: OpaquePointer) -> String? {
    var buffer = [CChar](repeating: 0, count: 64)
    guard cmhd_client_address(connection, &buffer, buffer.count) != 0 else { return nil }
    return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
}

private func readQuery(_ connection: OpaquePointer) -> [String: String] {
    var query: [String: String] = [:]
    withUnsafeMutablePointer(to: &query) { pointer in
        _ = cmhd_arguments(
            connection,
            { cls, _, key, keySize, value, valueSize in
                guard let cls, let key else { return cmhd_yes() }
                let query = cls.assumingMemoryBound(to: [String: String].self)
                query.pointee[decode(key, keySize)] = value.map { decode($0, valueSize) } ?? ""
                return cmhd_yes()
            },
            pointer
        )
    }
    return query
}

/// Bytes to a String; invalid UTF-8 becomes U+FFFD rather than a crash or a dropped request.
private func decode(_ pointer: UnsafePointer<CChar>, _ size: Int) -> String {
    let buffer = UnsafeRawBufferPointer(start: pointer, count: size)
    return String(decoding: buffer, as: UTF8.self)
}
