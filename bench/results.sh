# Sourced by the bench scripts. results_append SECTION TABLE: puts the
# contents of file TABLE at the end of section "## SECTION" of
# bench/RESULTS.md (creating the section at the end of the file when it is
# missing), so that each script's results stay under its own heading.
results_append() {
	grep -q "^## $1\$" bench/RESULTS.md 2>/dev/null || printf '\n## %s\n' "$1" >>bench/RESULTS.md
	awk -v tbl="$2" -v sec="## $1" '
		/^## / { if (inside) { while ((getline l < tbl) > 0) print l; done = 1 } inside = ($0 == sec) }
		{ print }
		END { if (inside && !done) while ((getline l < tbl) > 0) print l }' bench/RESULTS.md >bench/RESULTS.md.new
	mv bench/RESULTS.md.new bench/RESULTS.md
}
