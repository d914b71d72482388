# Helpers sourced by the experiment scripts (not run on its own).
#
# Binaries: ECOHPO (default $BUILD/hpo/cli/ecohpo) and ECOHPO_MLP (default
# $BUILD/objectives/ecohpo-mlp), BUILD defaulting to build/. Study YAMLs name
# build/objectives/ecohpo-mlp; render_yaml rewrites that path and any top-level key.

BUILD=${BUILD:-build}
ECOHPO=${ECOHPO:-$BUILD/hpo/cli/ecohpo}
ECOHPO_MLP=${ECOHPO_MLP:-$BUILD/objectives/ecohpo-mlp}
RUNS=${RUNS:-runs}
TMP_YAML_DIR=${TMP_YAML_DIR:-$RUNS/.yaml}

for bin in "$ECOHPO" "$ECOHPO_MLP"; do
  if [[ ! -x $bin ]]; then
    echo "experiments: $bin not found; build it (cmake --build $BUILD --target ecohpo ecohpo-mlp)" \
         "or set BUILD / ECOHPO / ECOHPO_MLP" >&2
    exit 1
  fi
done
mkdir -p "$TMP_YAML_DIR"

# render_yaml SRC DST [KEY=VALUE ...]: copy SRC to DST with the ecohpo-mlp path replaced and
# each top-level `KEY: ...` line replaced by `KEY: VALUE` (KEY must be on one line in SRC);
# an argument starting with `s#` is passed to sed as an expression.
render_yaml() {
  local src=$1 dst=$2
  shift 2
  local args=(-e "s#build/objectives/ecohpo-mlp#${ECOHPO_MLP}#")
  local kv key value
  for kv in "$@"; do
    if [[ $kv == s#* ]]; then args+=(-e "$kv"); continue; fi  # a raw sed expression
    key=${kv%%=*}
    value=${kv#*=}
    grep -q "^${key}:" "$src" || { echo "render_yaml: $src has no top-level $key:" >&2; exit 1; }
    args+=(-e "s#^${key}:.*#${key}: ${value}#")
  done
  sed "${args[@]}" "$src" > "$dst"
}

# run_study YAML: a fresh run (the old study file removed first), progress lines quiet.
run_study() {
  local yaml=$1 storage
  storage=$(sed -n 's/^storage: *//p' "$yaml")
  rm -f "$storage" "$storage.journal"
  rm -rf "$storage.logs"
  mkdir -p "$(dirname "$storage")"
  "$ECOHPO" run --quiet "$yaml"
}
