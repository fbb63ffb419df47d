import JobKit
import Testing

@Suite struct LockIDTests {
    @Test func emptyIDIsRejected() {
        #expect(throws: InvalidLockIDError.self) { try LockID.validate("") }
    }
}
