# The plot of scripts/sweep.sh: `gnuplot DEFS sweep-plot.gp`, run by sweep-collect.sh.
#
# This file is the only gnuplot code a sweep runs, and it is fixed. Every name, label and
# path arrives as a string variable set by DEFS, which sweep-collect.sh writes with each
# string as a gnuplot literal made only of octal escapes ("\170\042..."): gnuplot never
# reads a character of a value as code (no backquote substitution, no macro, no quote).
# The paths are absolute, so none is read as a '|' or '<' command.
#
# Variables from DEFS:
#   png_out, svg_out        the files to write (PNG through pngcairo when gnuplot has it)
#   dat                     data: one block per line of the plot (blocks separated by two
#                           blank lines), columns x, cycles, bound cycles, DMA bytes
#   title_text, xlabel_text, ylabel_text, y2label_text
#   nxtics, xtic_label[i], xtic_pos[i]   the x tics: every swept value of the first key
#   numeric                 1: x is the value on a log-2 axis; 0: x is the value's index
#   grid                    0: one key (cycles, bound, DMA bytes on a right axis);
#                           1: several keys, one line per group_label[1..ngroups]
#   cdiv, bdiv              divisors of the cycles and of the bytes; rotate: 1 tilts tics

set encoding utf8
set title title_text noenhanced font ',13'
set xlabel xlabel_text noenhanced
set ylabel ylabel_text noenhanced
set xtics () nomirror noenhanced
do for [i = 1:nxtics] { set xtics add (xtic_label[i] xtic_pos[i]) }
if (rotate) { set xtics rotate by -45 }
set ytics nomirror
set yrange [0:*]
set grid xtics ytics lc rgb '#d0d0d0' lw 1 dt 1
set border 11 lw 1
set key top right box opaque noenhanced spacing 1.2 samplen 3
if (numeric) {
  set logscale x 2
  set offsets graph 0.03, graph 0.03, graph 0.05, 0
} else {
  set offsets 0.3, 0.3, graph 0.05, 0
}

if (strstrt(GPVAL_TERMINALS, " pngcairo ") > 0) {
  set terminal pngcairo size 1000,600 font 'Sans,11' noenhanced
} else {
  set terminal png size 1000,600 font 'Sans,11' noenhanced
}
set output png_out

if (!grid) {
  set border 15
  set y2label y2label_text noenhanced
  set y2tics nomirror
  set y2range [0:*]
  plot dat u 1:($2/cdiv) w lp lw 2.5 pt 7 ps 1.2 lc rgb '#1f5fa8' t 'cycles (simulated)', \
       dat u 1:($3/cdiv) w l lw 2 dt (10,6) lc rgb '#1f5fa8' t 'lower bound (bound.cycles)', \
       dat u 1:($4/bdiv) axes x1y2 w lp lw 2.5 pt 5 ps 1.1 lc rgb '#d1495b' t 'DMA bytes, loaded + stored (right axis)'
} else {
  set key title 'solid: cycles, dashed: lower bound' noenhanced
  plot for [j = 1:ngroups] dat index (j - 1) u 1:($2/cdiv) w lp lw 2.5 pt 7 lc j t group_label[j], \
       for [j = 1:ngroups] dat index (j - 1) u 1:($3/cdiv) w l lw 1.5 dt (8,5) lc j notitle
}

set terminal svg size 1000,600 dynamic font 'Sans,11' background rgb 'white' noenhanced
set output svg_out
replot
unset output
