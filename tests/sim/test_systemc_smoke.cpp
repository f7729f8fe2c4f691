// Proves the pattern every simulator test uses: Catch2 drives SystemC, and
// ctest runs each TEST_CASE in its own process, because SystemC allows one
// elaboration per process (a second one fails with E529).
#include <catch2/catch.hpp>

#include <systemc>
#include <vector>

namespace {

using sc_core::SC_NS;
using sc_core::sc_time;

double now_ns() { return sc_core::sc_time_stamp() / sc_time(1, SC_NS); }

SC_MODULE(Producer) {
  sc_core::sc_fifo_out<int> out;
  int count = 0;
  sc_time period;
  std::vector<double> written_ns;  // when each write completed

  SC_CTOR(Producer) { SC_THREAD(produce); }
  void produce() {
    for (int i = 0; i < count; ++i) {
      wait(period);
      out.write(i);
      written_ns.push_back(now_ns());
    }
  }
};

SC_MODULE(Consumer) {
  sc_core::sc_fifo_in<int> in;
  int count = 0;
  sc_time period;
  std::vector<int> values;
  std::vector<double> read_ns;
  double done_ns = -1;

  SC_CTOR(Consumer) { SC_THREAD(consume); }
  void consume() {
    for (int i = 0; i < count; ++i) {
      values.push_back(in.read());
      read_ns.push_back(now_ns());
      wait(period);
    }
    done_ns = now_ns();
  }
};

// Runs a producer (one item per producer_ns) into a consumer (consumer_ns per
// item) over a FIFO of `depth` slots until both threads finish.
struct Pipeline {
  sc_core::sc_fifo<int> fifo;
  Producer producer{"producer"};
  Consumer consumer{"consumer"};
  Pipeline(int items, int depth, double producer_ns, double consumer_ns) : fifo("fifo", depth) {
    producer.count = consumer.count = items;
    producer.period = sc_time(producer_ns, SC_NS);
    consumer.period = sc_time(consumer_ns, SC_NS);
    producer.out(fifo);
    consumer.in(fifo);
  }
};

}  // namespace

TEST_CASE("a full FIFO stalls the producer until the consumer reads", "[systemc]") {
  sc_core::sc_report_handler::set_actions(sc_core::SC_INFO, sc_core::SC_DO_NOTHING);
  Pipeline p(6, 2, 10, 25);
  sc_core::sc_start();

  // Producer wants an item every 10 ns, consumer takes 25 ns per item, FIFO holds 2.
  // Reads: i0 at 10, then one every 25 ns: 35, 60, 85, 110, 135; done at 160.
  // Writes: i0..i3 at 10, 20, 30, 40 (after the read at 35 there is room for i3);
  // i4 is ready at 50 but the FIFO (i2, i3) is full until the read at 60;
  // i5 is ready at 70 but waits for the read at 85.
  CHECK(p.consumer.values == std::vector<int>{0, 1, 2, 3, 4, 5});
  CHECK(p.producer.written_ns == std::vector<double>{10, 20, 30, 40, 60, 85});
  CHECK(p.consumer.read_ns == std::vector<double>{10, 35, 60, 85, 110, 135});
  CHECK(p.consumer.done_ns == 160);
  CHECK(now_ns() == 160);
}

TEST_CASE("a second elaboration runs in a process of its own", "[systemc]") {
  // Same modules, fast consumer: the consumer's pace is the producer's.
  // Reads at 10, 20, 30; the consumer's last 1 ns wait ends at 31.
  sc_core::sc_report_handler::set_actions(sc_core::SC_INFO, sc_core::SC_DO_NOTHING);
  Pipeline p(3, 1, 10, 1);
  sc_core::sc_start();
  CHECK(p.consumer.read_ns == std::vector<double>{10, 20, 30});
  CHECK(p.consumer.done_ns == 31);
}
