package io.tributary.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tributary.catalog.store.CatalogStore;
import io.tributary.jobs.definition.DefinitionText;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tributary jobs definition|diff} on the definitions the runs kept, and {@code tributary run
 * NAME} refusing a kept definition whose secrets were masked (the runs that store them are in
 * {@code RunCommandITCase}).
 */
class JobDefinitionsCommandTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir Path home;

    static final String V1 =
            String.join(
                    "\n",
                    "version: 1",
                    "name: shop",
                    "sources:",
                    "  - name: orders",
                    "    type: s3",
                    "    path: s3://shop/orders/",
                    "    secret-key: not-this",
                    "sinks:",
                    "  - name: out",
                    "    type: warehouse",
                    "    table: public.orders",
                    "    keys: [id]",
                    "");

    @BeforeEach
    void twoVersions() {
        try (CatalogStore store = CatalogAccess.openStore(home)) {
            store.putJobDefinition("shop", "/p/shop.yaml", DefinitionText.masked(V1));
            store.putJobDefinition(
                    "shop",
                    "/p/shop.yaml",
                    DefinitionText.masked(
                            V1.replace("secret-key: not-this", "secret-key: ${env:S3_SECRET}")
                                    .replace("keys: [id]", "keys: [id, line]")));
        }
    }

    private CliRun run(String... args) {
        String[] all = new String[args.length + 2];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = "--home";
        all[args.length + 1] = home.toString();
        return CliRun.of(all);
    }

    @Test
    void definitionsAndTheirDifferences() throws Exception {
        CliRun latest = run("jobs", "definition", "shop");
        assertThat(latest.exitCode()).as(latest.err()).isZero();
        assertThat(latest.out())
                .contains("# pipeline shop, definition version 2")
                .contains("secret-key: ${env:S3_SECRET}")
                .contains("keys: [id, line]");

        JsonNode first =
                JSON.readTree(run("jobs", "definition", "shop", "--version", "1", "--json").out());
        assertThat(first.get("version").asInt()).isEqualTo(1);
        assertThat(first.get("text").asText())
                .contains("secret-key: '******'")
                .doesNotContain("not-this");
        assertThat(first.get("sha256").asText()).hasSize(64);

        assertThat(run("jobs", "definition", "shop", "--versions").out())
                .contains("v1 ")
                .contains("v2 ")
                .contains("/p/shop.yaml");

        CliRun diff = run("jobs", "diff", "shop", "1", "2");
        assertThat(diff.exitCode()).as(diff.err()).isZero();
        assertThat(diff.out())
                .contains("--- shop v1")
                .contains("+++ shop v2")
                .contains("-     secret-key: '******'")
                .contains("+     secret-key: ${env:S3_SECRET}")
                .contains("-     keys: [id]")
                .contains("+     keys: [id, line]")
                .doesNotContain("  version: 1");
        JsonNode diffJson = JSON.readTree(run("jobs", "diff", "shop", "1", "2", "--json").out());
        assertThat(diffJson.get("diff")).hasSizeGreaterThanOrEqualTo(4);
        assertThat(run("jobs", "diff", "shop", "2", "2").out()).contains("(the same definition)");

        CliRun missing = run("jobs", "diff", "shop", "1", "7");
        assertThat(missing.exitCode()).isEqualTo(ExitCodes.FAILURE);
        assertThat(missing.err()).contains("no definition version 7").contains("1 to 2");
        CliRun nobody = run("jobs", "definition", "nobody");
        assertThat(nobody.exitCode()).isEqualTo(ExitCodes.FAILURE);
        assertThat(nobody.err()).contains("No definition of a pipeline named 'nobody'");
    }

    @Test
    void aKeptDefinitionWithMaskedSecretsDoesNotRunByName() {
        try (CatalogStore store = CatalogAccess.openStore(home)) {
            store.putJobDefinition(
                    "masked",
                    "/p/masked.yaml",
                    DefinitionText.masked(V1.replace("name: shop", "name: masked")));
        }
        CliRun refused = run("run", "masked");
        assertThat(refused.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(refused.err())
                .contains("had secrets written in it")
                .contains("/p/masked.yaml")
                .contains("${env:NAME}");
        CliRun unknown = run("run", "no-such-pipeline");
        assertThat(unknown.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(unknown.err())
                .contains("No file 'no-such-pipeline'")
                .contains("no definition of a pipeline named 'no-such-pipeline'");
    }
}
