# GTKWave Tcl for scripts/wave-snapshot.sh: zoom, grab the window to a PNG, quit.
# Run as `gtkwave -S wave-snapshot.tcl TRACE.vcd [SAVE.gtkw]` (under xvfb-run);
# everything else comes from the environment, so paths need no Tcl quoting, and
# signal names only travel as list elements: no value is ever evaluated as Tcl
# (a path or name with [ ] $ " { or spaces is data):
#   WAVE_SNAPSHOT_OUT       the PNG to write (required)
#   WAVE_SNAPSHOT_FROM/_TO  the window in ns; both empty: the whole run
#   WAVE_SNAPSHOT_ADD       1 when there is no save file: add tilesim's signals here
# It always quits, even on an error, so the caller never waits for a window
# nobody will close; a missing PNG is how the caller sees a failure.

proc ws_env {name} {
  if {[info exists ::env($name)]} { return $::env($name) }
  return ""
}

# ns -> the dump's time unit. GTKWave keeps times as integers of one unit of
# its time dimension (s, m, u, n, p, f), the multiplier of $timescale applied.
proc ws_ns_to_dump {ns} {
  set per_ns [dict create s 1e-9 m 1e-6 u 1e-3 n 1.0 p 1e3 f 1e6]
  set dim [gtkwave::getTimeDimension]
  if {![dict exists $per_ns $dim]} { set dim n }
  return [expr {wide(round($ns * [dict get $per_ns $dim]))}]
}

proc ws_add_standard_signals {} {
  set names {}
  foreach s {dma_busy compute_busy overlap dma_uop compute_uop dma_queue compute_queue sram_bytes_in_use} {
    lappend names SystemC.$s
  }
  set added [gtkwave::addSignalsFromList $names]
  if {$added == 0} {
    # Not a tilesim trace: show whatever it has (the first 32 signals).
    set names {}
    set n [gtkwave::getNumFacs]
    for {set i 0} {$i < $n && $i < 32} {incr i} { lappend names [gtkwave::getFacName $i] }
    gtkwave::addSignalsFromList $names
  }
  set buses {}
  foreach s [gtkwave::getDisplayedSignals] {
    if {[string first {[} $s] >= 0} { lappend buses $s }
  }
  if {[llength $buses] > 0} {
    gtkwave::highlightSignalsFromList $buses
    gtkwave::/Edit/Data_Format/Decimal
    gtkwave::/Edit/UnHighlight_All
  }
}

proc ws_snapshot {} {
  set out [ws_env WAVE_SNAPSHOT_OUT]
  if {$out eq ""} { error "WAVE_SNAPSHOT_OUT is not set" }
  if {[ws_env WAVE_SNAPSHOT_ADD] eq "1"} { ws_add_standard_signals }
  set from [ws_env WAVE_SNAPSHOT_FROM]
  set to [ws_env WAVE_SNAPSHOT_TO]
  if {$from ne "" && $to ne ""} {
    gtkwave::setZoomRangeTimes [ws_ns_to_dump $from] [ws_ns_to_dump $to]
  } else {
    gtkwave::/Time/Zoom/Zoom_Full
  }
  gtkwave::/File/Grab_To_File $out
}

if {[catch ws_snapshot err]} {
  puts "wave-snapshot.tcl: error: $err"
}
gtkwave::/File/Quit
