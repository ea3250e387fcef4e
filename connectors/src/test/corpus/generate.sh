#!/usr/bin/env bash
# Writes the bad-input corpus (connectors/src/test/corpus/bad-input) with BadInputCorpus, the
# generator kept with the tests. BadInputCorpusITCase fails when the files in the repository are not
# what this writes, so run it after changing the generator and commit the result.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../../.." && pwd)"
cd "$root"
./mvnw -B -q -pl connectors -am -DskipTests -Dspotless.check.skip=true install
./mvnw -B -q -pl connectors dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile=target/corpus.classpath
java -cp "connectors/target/test-classes:connectors/target/classes:$(cat connectors/target/corpus.classpath)" \
  io.tributary.connectors.s3.BadInputCorpus connectors/src/test/corpus/bad-input
