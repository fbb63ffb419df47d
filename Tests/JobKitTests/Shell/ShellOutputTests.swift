import Foundation
@testable import JobKitCLI
import Testing

@Suite struct ShellOutputTests {
    /// How many bytes `seq 1 n` writes.
    private func seqBytes(_ n: Int) -> Int {
        var total = 0
        var digits = 1
        var low = 1
        while low <= n {
            let high = min(n, low * 10 - 1)
            total += (high - low + 1) * (digits + 1)
            digits += 1
            low *= 10
        }
        return total
    }

    @Test func drainsSeveralMegabytesOnBothPipesAndKeepsOnlyTheTail() async throws {
        // ~6.9 MB on stdout and ~3.4 MB on stderr at the same time: far beyond a pipe's
        // buffer, so a runner that read one pipe to its end first would deadlock.
        let command = try ShellTest.script("seq 1 1000000 & seq 1 500000 >&2; wait")
        let result = try await ShellTest.withDeadline { [command] in try await command.run() }
        #expect(result.exitCode == 0)
        #expect(result.stdoutTail.byteCount == seqBytes(1_000_000))
        #expect(result.stdoutTail.lines == (999_981...1_000_000).map(String.init))
        #expect(result.stdoutTail.droppedLineCount == 999_980)
        #expect(result.stderrTail.byteCount == seqBytes(500_000))
        #expect(result.stderrTail.lines == (499_981...500_000).map(String.init))
    }

    @Test func cutsLongLinesAndHonoursTheLimits() async throws {
        var command = try ShellTest.script("head -c 10000 /dev/zero | tr '\\0' y; echo; echo a; echo b; printf 'no newline'")
        command.tailLineLimit = 3
        command.tailLineByteLimit = 100
        let result = try await command.run()
        #expect(result.stdoutTail.lines == ["a", "b", "no newline"])
        #expect(result.stdoutTail.droppedLineCount == 1)
        #expect(result.stdoutTail.byteCount == 10_000 + 1 + 4 + 10)

        command.tailLineLimit = 20
        let long = try await command.run()
        #expect(long.stdoutTail.lines.first == String(repeating: "y", count: 100) + "…")
    }

    // MARK: The collector, fed by hand

    private func collect(_ chunks: [String], lines: Int = 20, bytes: Int = 4096) -> ShellOutputTail {
        var collector = ShellOutputCollector(lineLimit: lines, lineByteLimit: bytes)
        for chunk in chunks {
            Array(chunk.utf8).withUnsafeBytes { collector.append($0) }
        }
        return collector.tail()
    }

    @Test func sameLinesWhereverTheChunksSplit() {
        let text = "alpha\nbeta\r\n\ngamma\ndelta"
        let expected = ["alpha", "beta", "", "gamma", "delta"]
        let bytes = Array(text.utf8)
        for split in 0...bytes.count {
            let first = String(decoding: bytes[..<split], as: UTF8.self)
            let second = String(decoding: bytes[split...], as: UTF8.self)
            #expect(collect([first, second]).lines == expected, "split at \(split)")
            #expect(collect([first, second], lines: 2).lines == ["gamma", "delta"], "split at \(split)")
            #expect(collect([first, second], lines: 2).droppedLineCount == 3, "split at \(split)")
        }
        #expect(collect(text.map { String($0) }).lines == expected)
    }

    @Test func dropsLinesAcrossManyChunks() {
        let chunks = (1...1000).map { "line \($0)\n" }
        let tail = collect(chunks, lines: 3)
        #expect(tail.lines == ["line 998", "line 999", "line 1000"])
        #expect(tail.droppedLineCount == 997)
        #expect(tail.byteCount == chunks.joined().utf8.count)
        #expect(collect([chunks.joined()], lines: 3) == tail)
    }

    @Test func cutsAtAScalarBoundary() {
        // "é" is two bytes: a 5-byte limit keeps two of them and drops the half of the third.
        #expect(collect(["ééééé\n"], bytes: 5).lines == ["éé…"])
        #expect(collect(["éé", "ééé"], bytes: 4).lines == ["éé…"])
        #expect(collect(["abc€def\n"], bytes: 5).lines == ["abc…"])
        #expect(collect(["abc€def\n"], bytes: 6).lines == ["abc€…"])
    }

    @Test func emptyStreamHasNoLines() {
        let tail = collect([])
        #expect(tail.lines.isEmpty)
        #expect(tail.isEmpty)
        #expect(collect(["\n"]).lines == [""])
    }
}
