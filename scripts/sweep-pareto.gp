# The Pareto plot of scripts/sweep.sh: `gnuplot DEFS sweep-pareto.gp`, run by
# sweep-pareto.sh. As with sweep-plot.gp, every name, label and path arrives from DEFS as a
# string literal made only of octal escapes: no value is ever read as gnuplot code.
#
# Variables from DEFS:
#   png_out, svg_out, dat   the files to write and the data: lines of "index cycles energy
#                           front", sorted by cycles (front 1: on the Pareto front)
#   title_text, xlabel_text, ylabel_text
#   point_label[index]      the swept values of each point, comma-separated
#   cdiv                    divisor of the cycles

set encoding utf8
set title title_text noenhanced font ',13'
set xlabel xlabel_text noenhanced
set ylabel ylabel_text noenhanced
set logscale x 2
set format x '%g'
set autoscale fix
set grid xtics ytics mxtics mytics lc rgb '#e0e0e0' lw 1 dt 1
set key top right box opaque noenhanced spacing 1.2
set offsets graph 0.04, graph 0.16, graph 0.08, graph 0.04

if (strstrt(GPVAL_TERMINALS, " pngcairo ") > 0) {
  set terminal pngcairo size 1000,700 font 'Sans,11' noenhanced
} else {
  set terminal png size 1000,700 font 'Sans,11' noenhanced
}
set output png_out

# The front's points joined in cycle order (the file's order), over every point; labels
# of the front dark and larger, the others light.
plot dat u ($2/cdiv):($4 == 1 ? $3 : NaN) w steps lw 2 lc rgb '#d1495b' t 'Pareto front', \
     dat u ($2/cdiv):3 w p pt 7 ps 1.0 lc rgb '#8a8a8a' t 'configuration (labels: the swept values)', \
     dat u ($2/cdiv):($4 == 1 ? $3 : NaN) w p pt 7 ps 1.7 lc rgb '#d1495b' notitle, \
     dat u ($2/cdiv):($4 == 1 ? NaN : $3):(point_label[int($1)]) w labels offset 0.7,0.5 left font ',8' tc rgb '#9a9a9a' notitle, \
     dat u ($2/cdiv):($4 == 1 ? $3 : NaN):(point_label[int($1)]) w labels offset 0.8,-0.7 left font ',10' tc rgb '#202020' notitle

set terminal svg size 1000,700 dynamic font 'Sans,11' background rgb 'white' noenhanced
set output svg_out
replot
unset output
