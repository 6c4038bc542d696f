#!/usr/bin/env bash
# make test: static checks, then every test under the race detector, with a
# real gnome-keyring in a private D-Bus session and, when the scripts in
# ../shared/tools/krb are present, real Kerberos and NTLM servers.
set -euo pipefail
cd "$(dirname "$0")/.."

STATICCHECK_VERSION=v0.8.2
GOBIN_DIR="$(go env GOPATH)/bin"

.ci/deps.sh test

echo "== gofmt"
unformatted=$(gofmt -l $(git ls-files '*.go' 2>/dev/null || find . -name '*.go'))
if [ -n "$unformatted" ]; then
  echo "gofmt would change:"; echo "$unformatted"; exit 1
fi

echo "== go vet"
go vet ./...

echo "== staticcheck"
if ! "$GOBIN_DIR/staticcheck" -version 2>/dev/null | grep -q "${STATICCHECK_VERSION#v}"; then
  go install "honnef.co/go/tools/cmd/staticcheck@$STATICCHECK_VERSION"
fi
"$GOBIN_DIR/staticcheck" ./...

krb_setup="${KNOCK_KRB_SETUP:-$(pwd)/../shared/tools/krb/setup.sh}"
if [ -f "$krb_setup" ]; then
  echo "== Kerberos and NTLM servers"
  bash "$krb_setup" >/tmp/knock-krb-setup.log 2>&1 || { cat /tmp/knock-krb-setup.log; exit 1; }
  set -a # export everything env.sh sets: KRB5_CONFIG, the URLs, the credentials
  # shellcheck disable=SC1091
  source "${TMPDIR:-/tmp}/knock-krb/env.sh"
  set +a
  trap 'bash "$(dirname "$krb_setup")/teardown.sh" >/dev/null 2>&1 || true' EXIT
else
  echo "== no $krb_setup: the Negotiate and NTLM integration tests will fail"
fi

echo "== go test -race (in a private D-Bus session with gnome-keyring)"
export LANG=en_US.UTF-8
dbus-run-session -- sh -c '
  printf pass | gnome-keyring-daemon --unlock --components=secrets >/dev/null
  exec go test -race -count=1 -timeout 25m ./...
'
