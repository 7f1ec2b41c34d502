// ambient finetune: fine-tune a trained prior on new (small, corrupted) data.
#include "ambient/jobs/train.hpp"
#include "cli_common.hpp"
#include "training_options.hpp"

namespace ambient::cli {

void register_finetune(CLI::App& app, const GlobalOptions& global) {
  auto r = std::make_shared<jobs::TrainRequest>();
  r->steps = 1000;
  r->trainer.learning_rate = 2e-4;
  r->trainer.warmup_steps = 50;
  CLI::App* c = app.add_subcommand("finetune", "fine-tune a trained prior on new (small, corrupted) data");
  c->footer(
      "Starts from the averaged weights of --from (its network and preconditioning) and trains "
      "on the new data with a fresh optimiser, by default for fewer steps at a lower learning rate "
      "than `ambient train`. Every other option is train's; the checkpoint records the prior it "
      "started from.\n\n"
      "Example: ambient finetune --from runs/brain/checkpoint.pt knees/ --run runs/knee-ft "
      "--objective ambient --mask random --accel 4 --acs 12");
  c->add_option("--from", r->from, "the prior to start from")->required();
  add_train_options(*c, *r, true);
  c->callback([r, &global] { run_training(*r, global); });
}

}  // namespace ambient::cli
