// libsystemc.so defines main() and calls sc_main(); Catch2 provides the real
// main of SystemC test binaries, so this one is never called.
extern "C" int sc_main(int, char*[]) { return 0; }
