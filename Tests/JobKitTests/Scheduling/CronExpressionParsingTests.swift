import Foundation
import JobKit
import Testing

@Suite struct CronExpressionParsingTests {
    static let malformed: [(String, String)] = [
        ("61 * * * *", #"cron "61 * * * *": minute 61 is out of range 0–59."#),
        ("5-70 * * * *", #"cron "5-70 * * * *": minute 70 is out of range 0–59."#),
        ("* 24 * * *", #"cron "* 24 * * *": hour 24 is out of range 0–23."#),
        ("0 0 0 * *", #"cron "0 0 0 * *": day-of-month 0 is out of range 1–31."#),
        ("0 0 * 13 *", #"cron "0 0 * 13 *": month 13 is out of range 1–12."#),
        ("0 0 * * 8", #"cron "0 0 * * 8": day-of-week 8 is out of range 0–7."#),
        ("99999999999999999999 * * * *", #"cron "99999999999999999999 * * * *": minute 99999999999999999999 is out of range 0–59."#),
        ("* * * *", #"cron "* * * *": expected 5 fields (minute hour day-of-month month day-of-week) or an alias such as @daily, found 4."#),
        ("* * * * * *", #"cron "* * * * * *": expected 5 fields (minute hour day-of-month month day-of-week) or an alias such as @daily, found 6."#),
        ("", #"cron "": expected 5 fields (minute hour day-of-month month day-of-week) or an alias such as @daily, found 0."#),
        ("0 0 * JAX *", #"cron "0 0 * JAX *": month "JAX" is not a number in 1–12 or a name in JAN–DEC."#),
        ("0 0 * MON *", #"cron "0 0 * MON *": month "MON" is not a number in 1–12 or a name in JAN–DEC."#),
        ("0 0 * * MONDAY", #"cron "0 0 * * MONDAY": day-of-week "MONDAY" is not a number in 0–7 or a name in SUN–SAT."#),
        ("a * * * *", #"cron "a * * * *": minute "a" is not a number."#),
        ("*/0 * * * *", #"cron "*/0 * * * *": minute step 0 is out of range 1–60."#),
        ("0 12 * * */99", #"cron "0 12 * * */99": day-of-week step 99 is out of range 1–8."#),
        ("*/x * * * *", #"cron "*/x * * * *": minute "*/x" is not a value, range or step (such as 5, 1-10, */15, 1-10/2 or 5/10)."#),
        ("0 0 10-5 * *", #"cron "0 0 10-5 * *": day-of-month range 10-5 runs backwards; write the smaller value first."#),
        ("0 0 * * FRI-MON", #"cron "0 0 * * FRI-MON": day-of-week range FRI-MON runs backwards; write the smaller value first."#),
        ("1,,2 * * * *", #"cron "1,,2 * * * *": minute "1,,2" has an empty item between commas."#),
        ("0 0 * * 1-", #"cron "0 0 * * 1-": day-of-week "1-" is not a value, range or step (such as 5, 1-10, */15, 1-10/2 or 5/10)."#),
        ("-5 * * * *", #"cron "-5 * * * *": minute "-5" is not a value, range or step (such as 5, 1-10, */15, 1-10/2 or 5/10)."#),
        ("1-2-3 * * * *", #"cron "1-2-3 * * * *": minute "1-2-3" is not a value, range or step (such as 5, 1-10, */15, 1-10/2 or 5/10)."#),
        ("1/2/3 * * * *", #"cron "1/2/3 * * * *": minute "1/2/3" is not a value, range or step (such as 5, 1-10, */15, 1-10/2 or 5/10)."#),
        ("@often", #"cron "@often": unknown alias "@often"; use @yearly, @annually, @monthly, @weekly, @daily, @midnight or @hourly."#),
        ("@reboot", #"cron "@reboot": @reboot is not supported: a scheduler fires on the clock, not at boot."#),
    ]

    @Test(arguments: malformed)
    func rejectsMalformedExpressionWithItsMessage(expression: String, message: String) {
        #expect {
            try CronExpression(expression)
        } throws: { error in
            (error as? CronExpressionError)?.description == message
        }
    }

    @Test func errorNamesFieldAndToken() {
        do {
            _ = try CronExpression("0 0 * * 9")
            Issue.record("expected an error")
        } catch {
            #expect(error.field == "day-of-week")
            #expect(error.token == "9")
            #expect(error.expression == "0 0 * * 9")
        }
    }

    static let equivalent: [(String, String)] = [
        ("@daily", "0 0 * * *"),
        ("@midnight", "0 0 * * *"),
        ("@hourly", "0 * * * *"),
        ("@weekly", "0 0 * * 0"),
        ("@monthly", "0 0 1 * *"),
        ("@yearly", "0 0 1 1 *"),
        ("@annually", "0 0 1 1 *"),
        ("@DAILY", "0 0 * * *"),
        ("0 0 * * 7", "0 0 * * 0"),
        ("0 0 * * sun", "0 0 * * 0"),
        ("0 0 * * Mon-Fri", "0 0 * * 1-5"),
        ("0 0 * jan-MAR,dec *", "0 0 * 1,2,3,12 *"),
        ("5/10 * * * *", "5,15,25,35,45,55 * * * *"),
        ("1-10/2 * * * *", "1,3,5,7,9 * * * *"),
        ("*/20 * * * *", "0,20,40 * * * *"),
        ("0 0 * * 5-7", "0 0 * * 0,5,6"),
        ("  0\t9   * * 1  ", "0 9 * * 1"),
        ("05 09 * * *", "5 9 * * *"),
    ]

    @Test(arguments: equivalent)
    func spellingsOfTheSameScheduleAreEqual(lhs: String, rhs: String) throws {
        #expect(try CronExpression(lhs) == CronExpression(rhs))
    }

    @Test func differentSchedulesAreNotEqual() throws {
        #expect(try CronExpression("0 0 * * 1") != CronExpression("0 0 * * 2"))
        // Same sets, but the day-of-month star flag changes the day rule (AND instead of OR).
        #expect(try CronExpression("0 0 */1 * 1") != CronExpression("0 0 1-31 * 1"))
    }

    @Test func keepsTheTextAsGiven() throws {
        #expect(try CronExpression(" @daily ").description == "@daily")
    }
}
