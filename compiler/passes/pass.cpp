#include "compiler/passes/pass.h"

namespace tilesim::passes {

Pass::~Pass() = default;

}  // namespace tilesim::passes
