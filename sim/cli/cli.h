// Entry point of the tilesim program: global options and subcommand dispatch.
#pragma once

namespace tilesim::cli {

// Parses the command line, runs the subcommand, turns every error into one
// line on stderr and an exit code. Never throws.
int main(int argc, char** argv);

}  // namespace tilesim::cli
