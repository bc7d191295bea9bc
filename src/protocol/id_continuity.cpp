#include "depthrec/id_continuity.hpp"

namespace depthrec {

IdStep IdContinuity::step(std::uint64_t id) {
  IdStep step;
  if (!last_) {
    last_ = id;
    return step;  // first
  }
  step.last = *last_;
  if (id == *last_) {
    step.kind = IdStepKind::duplicate;
    return step;
  }
  if (id < *last_) {
    step.kind = IdStepKind::backwards;
    return step;
  }
  if (id == *last_ + 1) {
    step.kind = IdStepKind::next;
  } else {
    step.kind = IdStepKind::gap;
    step.from = *last_ + 1;
    step.to = id - 1;
    step.missing = step.to - step.from + 1;
  }
  last_ = id;
  return step;
}

}  // namespace depthrec
