import Crypto
import Foundation
import _CryptoExtras

/// Teachers' passwords as scrypt hashes, `scrypt$LOG2N$r$p$SALT$HASH` (base64): the parameters travel with the hash,
/// so they can be raised later without locking anyone out.
enum Passwords {
    /// N = 2^15, r = 8, p = 1: 32 MiB and some tens of milliseconds per hash.
    static let logRounds = 15
    static let blockSize = 8
    static let parallelism = 1

    static func hash(_ password: String) throws -> String {
        var generator = SystemRandomNumberGenerator()
        let salt = Data((0..<16).map { _ in UInt8.random(in: .min ... .max, using: &generator) })
        let key = try derive(password, salt: salt, logRounds: logRounds, blockSize: blockSize, parallelism: parallelism)
        return [
            "scrypt", String(logRounds), String(blockSize), String(parallelism), salt.base64EncodedString(),
            key.base64EncodedString(),
        ].joined(separator: "$")
    }

    /// Compares in constant time. A malformed stored hash matches nothing.
    static func verify(_ password: String, against stored: String) -> Bool {
        let parts = stored.split(separator: "$").map(String.init)
        guard parts.count == 6, parts[0] == "scrypt", let logRounds = Int(parts[1]), (10...20).contains(logRounds),
            let blockSize = Int(parts[2]), (1...16).contains(blockSize), let parallelism = Int(parts[3]),
            (1...4).contains(parallelism), let salt = Data(base64Encoded: parts[4]),
            let expected = Data(base64Encoded: parts[5]), !expected.isEmpty,
            let key = try? derive(
                password,
                salt: salt,
                logRounds: logRounds,
                blockSize: blockSize,
                parallelism: parallelism,
                length: expected.count
            )
        else { return false }
        var difference: UInt8 = 0
        for (a, b) in zip(key, expected) { difference |= a ^ b }
        return difference == 0 && key.count == expected.count
    }

    /// Runs scrypt on a queue of its own, one at a time: a hash holds a thread for tens of milliseconds (hundreds in
    /// a debug build) and 32 MiB, which the cooperative pool, one thread a core, must not give up to sign-ins.
    static func offThePool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async { continuation.resume(with: Result { try work() }) }
        }
    }

    private static let queue = DispatchQueue(label: "quiz.passwords")

    /// A hash of no one's password, verified against when the sign-in name is unknown, so that an unknown name
    /// takes as long to refuse as a wrong password.
    static let decoy: String = (try? hash(Tokens.make())) ?? ""

    private static func derive(
        _ password: String,
        salt: Data,
        logRounds: Int,
        blockSize: Int,
        parallelism: Int,
        length: Int = 32
    ) throws -> Data {
        let key = try KDF.Scrypt.deriveKey(
            from: Data(password.utf8),
            salt: salt,
            outputByteCount: length,
            rounds: 1 << logRounds,
            blockSize: blockSize,
            parallelism: parallelism
        )
        return key.withUnsafeBytes { Data($0) }
    }
}
