#!/usr/bin/env bash
# The two crawlers of the reference flow, kept in the catalog (Glue's crawler definitions):
# sales JSON files on S3 and the customers table of the shop database, both into catalog
# database `retail`, both continuous: `tributary services up` runs them, and a restart resumes
# from what they remember of each file (no file is sampled twice).
#
#   ./tributary services up
#   examples/ecommerce/crawlers.sh
#   ./tributary crawlers list; ./tributary crawlers runs sales; ./tributary catalog describe retail.sales
#   ./tributary run examples/ecommerce/catalog-pipeline.yaml
#
# The endpoints default to the running embedded services'. The customers crawler reads its
# password from a file each time it runs (the catalog never stores it): $MARIADB_PASSWORD_FILE,
# else one written here from the embedded MariaDB's, readable by you only.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

get() { ./tributary services status --get "$1"; }
SALES_PATH="${SALES_PATH:-s3://tributary/sales/}"
S3_ENDPOINT="${S3_ENDPOINT:-$(get s3.endpoint)}"
MARIADB_URL="${MARIADB_URL:-jdbc:mysql://$(get mariadb.host):$(get mariadb.port)/shop}"
PASSWORD_FILE="${MARIADB_PASSWORD_FILE:-${TRIBUTARY_HOME:-.tributary}/mariadb.password}"
if [[ ! -f "$PASSWORD_FILE" ]]; then
  (umask 077 && get mariadb.password > "$PASSWORD_FILE")
fi

./tributary crawlers create sales \
  --target "$SALES_PATH" --s3-endpoint "$S3_ENDPOINT" \
  --database retail --schedule continuous
./tributary crawlers create customers \
  --target "$MARIADB_URL" --user "${MARIADB_USER:-tributary}" --password-file "$PASSWORD_FILE" \
  --database retail --schedule continuous --tables customers
