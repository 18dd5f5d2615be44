// Package pipeline runs the exporter's log sources and owns their
// lifecycle: it follows the configured logs (package tailer) and syslog
// listeners (package syslog), hands each line to its parser (packages under
// logparse) and what the parser finds to package collector's counters. It
// decides which log counts a file two globs match (claims), applies a new
// configuration as one transaction (Apply: prepare everything that can
// fail, then commit), keeps and saves the positions of every log (package
// positions), and recovers, per line, from a panic in a parser.
package pipeline
