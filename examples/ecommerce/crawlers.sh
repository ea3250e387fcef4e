#!/usr/bin/env bash
# The two crawlers of the reference flow, kept in the catalog (Glue's crawler definitions):
# sales JSON files on S3 and the customers table of the shop database, both into catalog
# database `retail`, both continuous: `tributary services up` runs them, and a restart resumes
# from what they remember of each file (no file is read twice).
#
#   examples/ecommerce/crawlers.sh             (with `tributary services up` running)
#   tributary crawlers list; tributary crawlers runs sales
#   tributary run examples/ecommerce/catalog-pipeline.yaml
#
# The endpoints default to the embedded services'; the customers password is read from
# $MARIADB_PASSWORD each time the crawler runs, never stored.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

S3_ENDPOINT="${S3_ENDPOINT:-$(./tributary services status --get s3.endpoint)}"
MARIADB_URL="${MARIADB_URL:-jdbc:mysql://$(./tributary services status --get mariadb.host):$(./tributary services status --get mariadb.port)/shop}"
export MARIADB_PASSWORD="${MARIADB_PASSWORD:-$(./tributary services status --get mariadb.password)}"

./tributary crawlers create sales \
  --target s3://tributary-demo/sales/ --s3-endpoint "$S3_ENDPOINT" \
  --database retail --schedule continuous
./tributary crawlers create customers \
  --target "$MARIADB_URL" --user "${MARIADB_USER:-tributary}" --password-env MARIADB_PASSWORD \
  --database retail --schedule continuous --tables customers
