package io.tributary.jobs.quality;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.jobs.quality.DqRule.Level;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class DqdlTest {

    @Test
    void readsEveryRuleTypeOfTheIssueWithItsArgumentsAndLevel() {
        List<DqRule> rules =
                Dqdl.parse(
                        """
                        Rules = [
                          IsComplete "order_id",
                          Completeness "email" > 0.95,
                          IsUnique "order_id",
                          Uniqueness "email" >= 0.9,
                          ColumnValues "qty" between 1 and 100,
                          ColumnValues "country" in ["US", "DE", NULL, EMPTY] where "channel = 'web'",
                          ColumnValues "code" matches "[A-Z]{3}",
                          ColumnValues "ordered_at" > (now() - 3 days),
                          ColumnValues "qty" > 0 with threshold > 0.9,
                          ColumnLength "code" = 3,
                          ColumnExists "coupon",
                          ColumnCount >= 5,
                          RowCount between 10 and 1000,
                          Mean "amount" > 10, Sum "amount" < 1000000, StandardDeviation "amount" < 50,
                          DataFreshness "ordered_at" <= 24 hours,
                          CustomSql "select count(*) from primary" > 0,
                          CustomSql "select order_id from primary where qty > 0",
                          (IsComplete "a") and (IsComplete "b")
                        ]
                        """);
        assertThat(rules).hasSize(20);
        assertThat(rules)
                .extracting(DqRule::level)
                .containsExactly(
                        Level.ROW,
                        Level.DATASET,
                        Level.DATASET,
                        Level.DATASET,
                        Level.ROW,
                        Level.ROW,
                        Level.ROW,
                        Level.ROW,
                        Level.DATASET,
                        Level.ROW,
                        Level.SCHEMA,
                        Level.SCHEMA,
                        Level.DATASET,
                        Level.DATASET,
                        Level.DATASET,
                        Level.DATASET,
                        Level.ROW,
                        Level.DATASET,
                        Level.ROW,
                        Level.ROW);
        DqRule in = rules.get(5);
        assertThat(in.column()).isEqualTo("country");
        assertThat(in.constraint().op()).isEqualTo("in");
        assertThat(in.constraint().values())
                .containsExactly(
                        new DqRule.Str("US"),
                        new DqRule.Str("DE"),
                        new DqRule.Keyword("NULL"),
                        new DqRule.Keyword("EMPTY"));
        assertThat(in.where()).isEqualTo("channel = 'web'");
        assertThat(in.text())
                .isEqualTo(
                        "ColumnValues \"country\" in [\"US\", \"DE\", NULL, EMPTY] where"
                                + " \"channel = 'web'\"");
        assertThat(in.line()).isEqualTo(7);
        assertThat(rules.get(7).constraint().values())
                .containsExactly(new DqRule.Now(Duration.ofDays(-3)));
        assertThat(rules.get(16).constraint().values())
                .containsExactly(new DqRule.Span(Duration.ofHours(24), "24 hours"));
        assertThat(rules.get(4).constraint().values())
                .containsExactly(
                        new DqRule.Num(new BigDecimal("1")), new DqRule.Num(new BigDecimal("100")));
        DqRule composite = rules.get(19);
        assertThat(composite.joiner()).isEqualTo("and");
        assertThat(composite.parts()).extracting(DqRule::column).containsExactly("a", "b");
        assertThat(composite.text()).isEqualTo("(IsComplete \"a\") and (IsComplete \"b\")");
    }

    @Test
    void mistakesAreErrorsAtTheirLineSayingWhatWouldBeRight() {
        assertError(
                "Rules = [\n  IsComplete \"a\",\n  iscomplete \"b\"\n]",
                3,
                "did you mean IsComplete?");
        assertError(
                "Rules = [ ReferentialIntegrity \"a\" \"b\" ]",
                1,
                "Glue rule type Tributary does not evaluate");
        assertError("Rules = [ IsComplete ]", 1, "one quoted column name");
        assertError("Rules = [ IsComplete a ]", 1, "column names go in double quotes");
        assertError("Rules = [\n ColumnValues \"a\"\n]", 3, "needs an expression");
        assertError("Rules = [ IsUnique \"a\" > 3 ]", 1, "takes no expression");
        assertError(
                "Rules = [ ColumnValues \"a\" matches \"[a-\" ]", 1, "not a regular expression");
        assertError("Rules = [ Completeness \"a\" > 2 ]", 1, "share between 0 and 1");
        assertError("Rules = [ Mean \"a\" > \"x\" ]", 1, "compares numbers");
        assertError("Rules = [ DataFreshness \"a\" <= 24 ]", 1, "compares with a duration");
        assertError(
                "Rules = [ (IsComplete \"a\") and (IsComplete \"b\") or (IsComplete \"c\") ]",
                1,
                "mixed at one level");
        assertError("Rules = [ IsComplete \"a\" IsComplete \"b\" ]", 1, "expected ',' or ']'");
        assertError("Rules = [ IsComplete \"a\"", 1, "the end of the ruleset");
        assertError("IsComplete \"a\"", 1, "starts with 'Rules = ['");
        assertError("Rules = [ CustomSql \"select 1\" > 0 ]", 1, "reads 'primary'");
        assertError("Rules = [ CustomSql \"select a from primary\" ]", 1, "checked per record");
        assertError(
                "Rules = [ IsComplete \"a\" with threshold > 0.5 ]", 1, "applies to ColumnValues");
        assertError("Rules = [ ]", 1, "no rules");
    }

    @Test
    void aWindowRuleMayDeclareTheWindowItIsMeasuredOver() {
        List<DqRule> rules =
                Dqdl.parse(
                        "Rules = [ RowCount > 1000 over 1 hour, Completeness \"e\" > 0.9 where"
                                + " \"q > 0\" over 15 minutes, Mean \"q\" < 5 ]");
        assertThat(rules)
                .extracting(DqRule::over)
                .containsExactly(
                        java.time.Duration.ofHours(1), java.time.Duration.ofMinutes(15), null);
        assertThat(rules.get(0).text()).isEqualTo("RowCount > 1000 over 1 hour");
        assertThat(rules.get(1).where()).isEqualTo("q > 0");
        assertError("Rules = [ IsComplete \"e\" over 1 hour ]", 1, "over applies to rules");
        assertError("Rules = [ RowCount > 1 over soon ]", 1, "over takes a duration");
        assertError("Rules = [ RowCount > 1 over 0 hours ]", 1, "over takes a duration");
    }

    @Test
    void commentsAndEscapedQuotesAreRead() {
        List<DqRule> rules =
                Dqdl.parse(
                        """
                        # guards the orders
                        Rules = [
                          ColumnValues "note" != "say \\"hi\\"", # not this one
                          IsComplete "id"
                        ]
                        """);
        assertThat(rules).hasSize(2);
        assertThat(rules.get(0).constraint().values())
                .containsExactly(new DqRule.Str("say \"hi\""));
        assertThat(rules.get(1).line()).isEqualTo(4);
    }

    private static void assertError(String text, int line, String message) {
        assertThatThrownBy(() -> Dqdl.parse(text))
                .isInstanceOf(DqdlException.class)
                .hasMessageContaining(message)
                .satisfies(e -> assertThat(((DqdlException) e).line()).as(text).isEqualTo(line));
    }
}
