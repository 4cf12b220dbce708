internal import CZlib
import Foundation

/// gzip through zlib. Used for static files, whose compressed bytes are cached, so speed matters less than ratio.
enum Gzip {
    static func compress(_ input: Data, level: Int32 = 6) -> Data? {
        var stream = z_stream()
        guard czlib_gzip_init(&stream, level) == Z_OK else { return nil }
        defer { deflateEnd(&stream) }
        let bound = Int(deflateBound(&stream, UInt(input.count))) + 32
        var output = Data(count: bound)
        var input = input
        let status: Int32 = input.withUnsafeMutableBytes { (inBuffer: UnsafeMutableRawBufferPointer) -> Int32 in
            output.withUnsafeMutableBytes { (outBuffer: UnsafeMutableRawBufferPointer) -> Int32 in
                stream.next_in = inBuffer.baseAddress?.assumingMemoryBound(to: Bytef.self)
                stream.avail_in = uInt(inBuffer.count)
                stream.next_out = outBuffer.baseAddress?.assumingMemoryBound(to: Bytef.self)
                stream.avail_out = uInt(outBuffer.count)
                return deflate(&stream, Z_FINISH)
            }
        }
        guard status == Z_STREAM_END else { return nil }
        output.count = Int(stream.total_out)
        return output
    }
}
