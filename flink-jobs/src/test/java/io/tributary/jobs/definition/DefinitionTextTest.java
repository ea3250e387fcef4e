package io.tributary.jobs.definition;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** What the catalog keeps of a pipeline file: everything but its literal secrets. */
class DefinitionTextTest {

    @Test
    void literalSecretsAreMaskedReferencesAndEverythingElseKept() {
        String yaml =
                String.join(
                        "\n",
                        "version: 1",
                        "name: shop # the shop",
                        "sources:",
                        "  - name: customers",
                        "    type: cdc",
                        "    url: jdbc:mysql://db:3306/shop?user=app&password=hunter2&useSSL=true",
                        "    user: app",
                        "    password: hunter2",
                        "  - name: orders",
                        "    type: s3",
                        "    access-key: AKIAEXAMPLE",
                        "    secret-key: \"wJalr/KEY+x\"   # from the vault",
                        "    'sasl-password': s3cret",
                        "    options: {token: abc}",
                        "    more: {user: app, password: ${env:P}, x: 1}",
                        "sinks:",
                        "  - name: out",
                        "    url: jdbc:postgresql://admin:pa55@wh:5432/db",
                        "    password: ${env:WAREHOUSE_PASSWORD}",
                        "    secret-key: ${file:/run/secrets/s3}",
                        "    password-hint: '${warehouse.password}'",
                        "    pii: {salt: pepper-77, columns: {email: sha256}}",
                        "");
        String kept = DefinitionText.masked(yaml);

        assertThat(kept)
                .doesNotContain("hunter2")
                .doesNotContain("wJalr")
                .doesNotContain("s3cret")
                .doesNotContain("pa55")
                .doesNotContain("abc")
                .doesNotContain("pepper-77")
                .contains("    options: {token: '******'}")
                .contains("    more: {user: app, password: ${env:P}, x: 1}")
                .contains("    password: '******'")
                .contains("    secret-key: '******'")
                .contains("    'sasl-password': '******'")
                .contains("password=******&useSSL=true")
                .contains("jdbc:postgresql://admin:******@wh:5432/db")
                // references are kept: the definition runs again from the catalog
                .contains("    password: ${env:WAREHOUSE_PASSWORD}")
                .contains("    secret-key: ${file:/run/secrets/s3}")
                .contains("    password-hint: '${warehouse.password}'")
                // the rest as written, comments and line breaks included
                .contains("name: shop # the shop")
                .contains("    access-key: AKIAEXAMPLE")
                .contains("    user: app")
                .endsWith("\n");
        assertThat(kept.split("\n", -1)).hasSameSizeAs(yaml.split("\n", -1));
        assertThat(DefinitionText.masked(kept)).isEqualTo(kept);
    }
}
