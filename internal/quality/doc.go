// Package quality measures Koe's text features on labelled data: request matching on BANKING77
// under the protocol of ../shared/data/README.md, Japanese similarity on JSTS, sentiment on
// sentence<TAB>0|1 files, and matching across languages on the hand-translated set in testdata/.
// Each figure comes with the time per item. `koe eval` prints them; the benchmarks beside this
// file report the same numbers.
package quality
