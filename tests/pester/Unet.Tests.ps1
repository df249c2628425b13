BeforeAll {
    Import-Module "$PSScriptRoot/../../NmrInversion.psd1" -Force
    # The tiny model misfits most signals; the warning itself is tested below with -WarningVariable.
    $PSDefaultParameterValues['Invoke-NmrUnetInversion:WarningAction'] = 'SilentlyContinue'
    function Get-ErrorRecord([scriptblock] $Script) {
        try { & $Script; return $null } catch { return $_ }
    }
    # A tiny model trained here (seconds): 16 x 16 paper-like grid, 4 base channels, depth 2.
    $script:runDir = Join-Path ([IO.Path]::GetTempPath()) ("nmr-unet-pester-" + [guid]::NewGuid().ToString('N').Substring(0, 8))
    $script:run = Start-NmrTraining $script:runDir -GridSize 16 -BaseChannels 4 -Depth 2 -BatchSize 16 -Samples 320 -LearningRate 1e-2 `
        -ValidationInterval 10 -ValidationSize 32 -TestSize 16 -Name tiny
    $script:model = $script:run.ModelPath
    $script:grid = @{ AcquisitionAxis1 = $script:run.Card.Grid.Acquisition1.Values; AcquisitionAxis2 = $script:run.Card.Grid.Acquisition2.Values }
}

AfterAll {
    # $PSDefaultParameterValues is one table for the whole run: later files must not inherit these.
    $PSDefaultParameterValues.Remove('Invoke-NmrUnetInversion:WarningAction')
}

AfterAll {
    Remove-Item $script:runDir -Recurse -Force -ErrorAction SilentlyContinue
}

Describe 'Start-NmrTraining' {
    It 'trains for the requested samples and writes a model with its card and log' {
        $script:run.SamplesSeen | Should -Be 320
        $script:run.Completed | Should -BeTrue
        Test-Path $script:model | Should -BeTrue
        Test-Path ([IO.Path]::ChangeExtension($script:model, '.json')) | Should -BeTrue
        (Import-Csv (Join-Path $script:runDir 'training-log.csv')).Count | Should -Be 2
        $card = Get-Content ([IO.Path]::ChangeExtension($script:model, '.json')) -Raw | ConvertFrom-Json
        $card.WeightsSha256 | Should -Be (Get-FileHash $script:model -Algorithm SHA256).Hash.ToLowerInvariant()
        $card.Training.Samples | Should -Be 320
    }

    It 'resumes a finished run to a larger sample total' {
        $more = Start-NmrTraining $script:runDir -Resume -Samples 352
        $more.Steps | Should -Be 22
        $more.SessionSamples | Should -Be 32
        $more.Resumed | Should -BeTrue
    }

    It 'writes the run''s latest checkpoint as a model with figures measured on its sets (examples/Export-TrainingCheckpoint.ps1)' {
        $export = Join-Path $PSScriptRoot '../../examples/Export-TrainingCheckpoint.ps1'
        $out = Join-Path $script:runDir 'exported/at-checkpoint.json'
        $made = & $export -RunDirectory $script:runDir -OutputPath $out
        # The run ended (22 steps after the resume above), so its checkpoint holds the weights of its model.
        $made.Steps | Should -Be 22
        $made.Completed | Should -BeTrue
        (Get-FileHash $made.Weights).Hash | Should -Be (Get-FileHash $script:model).Hash
        $runCard = Get-Content ([IO.Path]::ChangeExtension($script:model, '.json')) -Raw | ConvertFrom-Json
        $card = Get-Content $out -Raw | ConvertFrom-Json
        $card.WeightsFile | Should -Be 'at-checkpoint.pt'
        $card.Test.MedianChi2D | Should -Be $runCard.Test.MedianChi2D
        $card.Validation.Loss | Should -Be $runCard.Validation.Loss
        $made.TestMedianChi2D | Should -Be $runCard.Test.MedianChi2D
        $signal = New-NmrDistribution -Preset D -Points 16 | New-NmrSignal -Snr 200 -Seed 1 @grid
        $a = $signal | Invoke-NmrUnetInversion -ModelPath $out
        $b = $signal | Invoke-NmrUnetInversion -ModelPath $script:model
        ($a | Measure-NmrChi -Reference $b.Distribution).Chi2D | Should -Be 0
        { & $export -RunDirectory $script:runDir -OutputPath $out } | Should -Throw '*exists*-Force*'
        { & $export -RunDirectory (Join-Path $script:runDir 'no-such-run') -OutputPath (Join-Path $script:runDir 'x.json') } | Should -Throw '*No training checkpoint*'
    }

    It 'refuses to start over an existing run' {
        $e = Get-ErrorRecord { Start-NmrTraining $script:runDir -GridSize 16 -Samples 16 -ErrorAction Stop }
        $e.FullyQualifiedErrorId | Should -BeLike 'RunDirectoryInUse*'
    }

    It 'ends a diverging run with TrainingDiverged, warning of each skipped batch, and keeps its last finite checkpoint' {
        $dir = Join-Path $script:runDir 'diverging'
        # Adam moves every weight by about the learning rate per step: at 1e12 the next forward pass overflows float32.
        $warnings = $null
        $e = try {
            Start-NmrTraining $dir -GridSize 16 -BaseChannels 4 -Depth 2 -BatchSize 16 -Samples 3200 -TestSize 16 -ValidationSize 16 `
                -LearningRate 1e12 -MinLearningRate 1e12 -WarningVariable warnings -WarningAction SilentlyContinue -ErrorAction Stop
            $null
        } catch { $_ }
        $e.FullyQualifiedErrorId | Should -BeLike 'TrainingDiverged*'
        $e.CategoryInfo.Category | Should -Be 'InvalidResult'
        $e.Exception.Message | Should -BeLike '*10 batches in a row*last checkpoint*'
        @($warnings | Where-Object { "$_" -like '*skipped a batch with a non-finite loss*' }).Count | Should -BeGreaterOrEqual 9
        Test-Path (Join-Path $dir 'model.pt') | Should -BeFalse
    }

    It 'starts a run from another model''s weights with the LogChi loss, and says so in the card' {
        $dir = Join-Path $script:runDir 'fromtiny'
        $r = Start-NmrTraining $dir -GridSize 16 -BaseChannels 4 -Depth 2 -BatchSize 16 -Samples 16 -TestSize 16 -ValidationSize 16 `
            -InitialModel ([IO.Path]::ChangeExtension($script:model, '.json')) -Loss LogChi -Name child
        $card = Get-Content ([IO.Path]::ChangeExtension($r.ModelPath, '.json')) -Raw | ConvertFrom-Json
        $card.Training.Loss | Should -Be 'LogChi'
        $card.Training.InitialWeights | Should -Be 'tiny.pt'
        $card.Training.InitialWeightsSha256 | Should -Be (Get-FileHash $script:model -Algorithm SHA256).Hash.ToLowerInvariant()
        $e = Get-ErrorRecord { Start-NmrTraining (Join-Path $script:runDir 'nomodel') -GridSize 16 -Samples 16 -InitialModel (Join-Path $script:runDir 'none.pt') -ErrorAction Stop }
        $e.FullyQualifiedErrorId | Should -BeLike 'InitialWeightsMissing*'
        $e.CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }

    It 'widens a model with fewer base channels, and refuses a narrower network or another depth' {
        $dir = Join-Path $script:runDir 'wider'
        $r = Start-NmrTraining $dir -GridSize 16 -BaseChannels 6 -Depth 2 -BatchSize 16 -Samples 16 -TestSize 16 -ValidationSize 16 `
            -InitialModel $script:model -Name wider
        $card = Get-Content ([IO.Path]::ChangeExtension($r.ModelPath, '.json')) -Raw | ConvertFrom-Json
        $card.Architecture.BaseChannels | Should -Be 6
        $card.Training.WidenedFromBaseChannels | Should -Be 4
        $card.Training.InitialWeights | Should -Be 'tiny.pt'
        foreach ($shape in @(@{ BaseChannels = 2; Depth = 2 }, @{ BaseChannels = 8; Depth = 3 })) {
            $e = Get-ErrorRecord { Start-NmrTraining (Join-Path $script:runDir "bad$($shape.BaseChannels)") -GridSize 16 -Samples 16 -InitialModel $script:model @shape -ErrorAction Stop }
            $e.FullyQualifiedErrorId | Should -BeLike 'InitialWeightsMismatch*'
            $e.CategoryInfo.Category | Should -Be 'InvalidData'
        }
    }

    It 'starts a run from the average of several models, and says which in the card' {
        $child = Join-Path $script:runDir 'fromtiny/child.pt'
        $r = Start-NmrTraining (Join-Path $script:runDir 'soup') -GridSize 16 -BaseChannels 4 -Depth 2 -BatchSize 16 -Samples 16 -TestSize 16 `
            -ValidationSize 16 -InitialModel $script:model, $child -Name soup
        $card = Get-Content ([IO.Path]::ChangeExtension($r.ModelPath, '.json')) -Raw | ConvertFrom-Json
        $card.Training.InitialWeights | Should -Be 'tiny.pt'
        $card.Training.AveragedWith.File | Should -Be 'child.pt'
        $card.Training.AveragedWith.Sha256 | Should -Be (Get-FileHash $child -Algorithm SHA256).Hash.ToLowerInvariant()
    }

    It 'trains on an SNR range and on narrow close pairs above an SNR floor, records them in the card, and keeps validation and test sets on the paper''s recipe' {
        # Learning rate 1e-12: both runs keep the initial network, so their test chi differ only if their test sets do.
        $common = @{ GridSize = 16; BaseChannels = 4; Depth = 2; BatchSize = 16; Samples = 16; TestSize = 32; ValidationSize = 16
            LearningRate = 1e-12; MinLearningRate = 1e-12; InitialModel = $script:model }
        $narrow = Start-NmrTraining (Join-Path $script:runDir 'snr100') @common -MinSnr 100 -MaxSnr 100 -ClosePairFraction 1 -ClosePairMaxLogSd 0.1 -ClosePairMinSnr 100 -Name snr
        $full = Start-NmrTraining (Join-Path $script:runDir 'snrall') @common -Name snr
        $card = Get-Content ([IO.Path]::ChangeExtension($narrow.ModelPath, '.json')) -Raw | ConvertFrom-Json
        $card.Training.Recipe.MinSnr | Should -Be 100
        $card.Training.Recipe.MaxSnr | Should -Be 100
        $card.Training.Recipe.ClosePairFraction | Should -Be 1
        $card.Training.Recipe.ClosePairMaxLogSd | Should -Be 0.1
        $card.Training.Recipe.ClosePairMinSnr | Should -Be 100
        $fullCard = Get-Content ([IO.Path]::ChangeExtension($full.ModelPath, '.json')) -Raw | ConvertFrom-Json
        $fullCard.Training.Recipe.MaxSnr | Should -Be 10000
        $fullCard.Training.Recipe.ClosePairMaxLogSd | Should -BeNullOrEmpty
        $fullCard.Training.Recipe.ClosePairMinSnr | Should -BeNullOrEmpty
        $narrow.Test.Chi2D | Should -BeGreaterThan 0
        [math]::Abs($narrow.Test.Chi2D / $full.Test.Chi2D - 1) | Should -BeLessThan 1e-6
        [math]::Abs($narrow.Test.MedianChi2D / $full.Test.MedianChi2D - 1) | Should -BeLessThan 1e-6
        $e = Get-ErrorRecord { Start-NmrTraining (Join-Path $script:runDir 'snrbad') -GridSize 16 -Samples 16 -MinSnr 300 -MaxSnr 100 -ErrorAction Stop }
        $e.FullyQualifiedErrorId | Should -BeLike 'SnrRangeInvalid*'
        $e.CategoryInfo.Category | Should -Be 'InvalidArgument'
        $e = Get-ErrorRecord { Start-NmrTraining (Join-Path $script:runDir 'pairbad') -GridSize 16 -Samples 16 -ClosePairFraction 0.5 -ClosePairMaxLogSd 0.3 -ErrorAction Stop }
        $e.FullyQualifiedErrorId | Should -BeLike 'ParameterArgumentValidationError*'
        Test-Path (Join-Path $script:runDir 'pairbad') | Should -BeFalse
        $e = Get-ErrorRecord { Start-NmrTraining (Join-Path $script:runDir 'floorbad') -GridSize 16 -Samples 16 -MinSnr 100 -ClosePairFraction 0.5 -ClosePairMinSnr 50 -ErrorAction Stop }
        $e.FullyQualifiedErrorId | Should -BeLike 'ClosePairSnrInvalid*'
        $e.CategoryInfo.Category | Should -Be 'InvalidArgument'
        $e.Exception.Message | Should -BeLike '*100..10000*got 50*'
        Test-Path (Join-Path $script:runDir 'floorbad') | Should -BeFalse
    }

    It 'needs a limit' {
        $e = Get-ErrorRecord { Start-NmrTraining (Join-Path $script:runDir 'nolimit') -GridSize 16 -ErrorAction Stop }
        $e.FullyQualifiedErrorId | Should -BeLike 'TrainingLimitMissing*'
    }
}

Describe 'Invoke-NmrUnetInversion' {
    It 'runs the pipeline New-NmrDistribution | New-NmrSignal | Invoke-NmrUnetInversion | Measure-NmrChi' {
        $results = New-NmrDistribution -Component @(-1, 0.15, -2, 0.15, 1) -Points 16 |
            New-NmrSignal -Snr 100, 1000 -Seed 3 @grid |
            Invoke-NmrUnetInversion -ModelPath $script:model
        $results.Count | Should -Be 2
        $results[0].Method | Should -Be 'U-Net'
        $results[0].ModelName | Should -Be 'tiny'
        $results.Snr | Should -Be @(100, 1000)
        $results[0].Distribution.Sum | Should -BeGreaterThan 0.999999
        $results[0].Misfit | Should -BeGreaterThan 0
        $chi = $results | Measure-NmrChi
        $chi.Count | Should -Be 2
        $chi[0].Method | Should -Be 'U-Net'
        $chi[0].Chi2D | Should -BeGreaterThan 0
    }

    It 'emits results in input order across batches' {
        $signals = New-NmrDistribution -Component @(-1, 0.15, -2, 0.15, 1) -Points 16 | New-NmrSignal -Snr 10, 20, 30, 40, 50 -Seed 1 @grid
        $results = $signals | Invoke-NmrUnetInversion -ModelPath $script:model -BatchSize 2
        $results.Snr | Should -Be @(10, 20, 30, 40, 50)
        $results[4].Signal | Should -Be $signals[4]
    }

    It 'loads the model once per process and reuses it' {
        $d = New-NmrDistribution -Component @(-1, 0.15, -2, 0.15, 1) -Points 16
        $s = $d | New-NmrSignal -Snr 100 -Seed 1 @grid
        $null = $s | Invoke-NmrUnetInversion -ModelPath $script:model
        $count = [NmrInversion.Engine.Network.ModelCache]::LoadCount
        $loaded = [NmrInversion.Engine.Network.ModelCache]::Get($script:model, 'cpu').LoadedAt
        $null = $s | Invoke-NmrUnetInversion -ModelPath ([IO.Path]::ChangeExtension($script:model, '.json'))
        [NmrInversion.Engine.Network.ModelCache]::LoadCount | Should -Be $count
        [NmrInversion.Engine.Network.ModelCache]::Get($script:model, 'cpu').LoadedAt | Should -Be $loaded
    }

    It 'reports a missing model file as ObjectNotFound' {
        $s = New-NmrDistribution -Component @(-1, 0.15, -2, 0.15, 1) -Points 16 | New-NmrSignal -Snr 100 -Seed 1 @grid
        $e = Get-ErrorRecord { $s | Invoke-NmrUnetInversion -ModelPath (Join-Path $script:runDir 'none.pt') -ErrorAction Stop }
        $e.FullyQualifiedErrorId | Should -BeLike 'ModelFileMissing*'
        $e.CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }

    It 'refuses a signal on another grid, per item' {
        $wrong = New-NmrDistribution -Preset B | New-NmrSignal -Snr 100 -Seed 1
        $right = New-NmrDistribution -Component @(-1, 0.15, -2, 0.15, 1) -Points 16 | New-NmrSignal -Snr 100 -Seed 1 @grid
        $out = $wrong, $right | Invoke-NmrUnetInversion -ModelPath $script:model -ErrorVariable errs -ErrorAction SilentlyContinue
        @($out).Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'ModelGridMismatch*'
        $errs[0].CategoryInfo.Category | Should -Be 'InvalidData'
    }

    It 'warns when the result misfits the data' {
        # A flat signal no relaxation map produces: the reconstruction cannot explain it.
        $good = New-NmrDistribution -Component @(-1, 0.15, -2, 0.15, 1) -Points 16 | New-NmrSignal -Snr 1000 -Seed 1 @grid
        $values = [double[,]]::new(16, 16)
        for ($i = 0; $i -lt 16; $i++) { for ($j = 0; $j -lt 16; $j++) { $values[$i, $j] = if (($i + $j) % 2) { 1 } else { -1 } } }
        $odd = [NmrInversion.Engine.Signals.Signal2D]::new($values, $good.Axis1, $good.Axis2, $good.Kernels, $good.RelaxationAxis1, $good.RelaxationAxis2, 0.001, $null, $null, 'checkerboard', $null, $null)
        $r = $odd | Invoke-NmrUnetInversion -ModelPath $script:model -WarningVariable warns -WarningAction SilentlyContinue
        $r.Misfit | Should -BeGreaterThan 3
        $misfit = @($warns | Where-Object { "$_" -like '`[HighMisfit`] checkerboard:*' })
        $misfit.Count | Should -Be 1
        $r.HasWarning('HighMisfit') | Should -BeTrue
    }

    It 'refines the network map against the data with -DataConsistency' {
        # The tiny model misfits these signals 7-15 times the noise; the step fits them to the noise and lowers chi.
        $signals = New-NmrDistribution -Preset A, D, H -Points 16 | New-NmrSignal -Snr 200 -Seed 1 @grid
        $net = $signals | Invoke-NmrUnetInversion -ModelPath $script:model
        $dc = $signals | Invoke-NmrUnetInversion -ModelPath $script:model -DataConsistency
        $dc.Count | Should -Be 3
        $netChi = $net | Measure-NmrChi
        $dcChi = $dc | Measure-NmrChi
        for ($k = 0; $k -lt 3; $k++) {
            $dc[$k].Method | Should -Be 'U-Net+DC'
            $dc[$k].Name | Should -Be $net[$k].Name
            $dc[$k].DataConsistencyAlpha | Should -BeGreaterThan 0
            $net[$k].DataConsistencyAlpha | Should -BeNullOrEmpty
            $net[$k].Misfit | Should -BeGreaterThan 3
            $dc[$k].Misfit | Should -BeLessThan 1.3
            $dc[$k].Distribution.Sum | Should -BeGreaterThan 0.999999
            $dcChi[$k].Chi2D | Should -BeLessThan ($netChi[$k].Chi2D / 2)
        }
    }

    It 'inverts with a model of two networks: the high-SNR one from the gate up, and says which (examples/Join-SnrGatedModel.ps1)' {
        $join = Join-Path $PSScriptRoot '../../examples/Join-SnrGatedModel.ps1'
        $other = Join-Path $script:runDir 'fromtiny/child.pt'
        $gated = Join-Path $script:runDir 'gated/model.json'
        $made = & $join -ModelPath $script:model -HighSnrModelPath $other -GateSnr 100 -OutputPath $gated
        $made.HighSnrWeights | Should -Be 'model-high-snr.pt'
        $made.Precision | Should -Be 'float16'
        # A 16 x 16 signal reads as a 64 x 64 one of about a quarter of its SNR; these lie far from the gate either side.
        $signals = New-NmrDistribution -Preset D -Points 16 | New-NmrSignal -Snr 3, 1e6 -Seed 1 @grid
        $r = $signals | Invoke-NmrUnetInversion -ModelPath $gated
        $r.HighSnrNetwork | Should -Be @($false, $true)
        $r[0].EstimatedSnr | Should -BeLessThan 100
        $r[1].EstimatedSnr | Should -BeGreaterThan 100
        $r.ModelPath | Should -Be @((Join-Path $script:runDir 'gated/model.pt'), (Join-Path $script:runDir 'gated/model.pt'))
        # Each map is its network's: the main one's exactly, the high-SNR one's to float16 rounding.
        $low = $signals[0] | Invoke-NmrUnetInversion -ModelPath $script:model
        $high = $signals[1] | Invoke-NmrUnetInversion -ModelPath $other
        ($r[0] | Measure-NmrChi -Reference $low.Distribution).Chi2D | Should -BeLessThan 1e-6
        # (child.pt was trained briefly from the tiny model: measured 2D chi 0.0062 between their maps of this signal.)
        ($r[1] | Measure-NmrChi -Reference $high.Distribution).Chi2D | Should -BeLessThan 1e-4
        ($r[1] | Measure-NmrChi -Reference ($signals[1] | Invoke-NmrUnetInversion -ModelPath $script:model).Distribution).Chi2D | Should -BeGreaterThan 1e-3
        # Nothing is replaced without -Force.
        { & $join -ModelPath $script:model -HighSnrModelPath $other -GateSnr 100 -OutputPath $gated } | Should -Throw '*exists*-Force*'
        # A wider high-SNR network (6 base channels against 4) joins too, here with the main network in float16.
        $wide = Join-Path $script:runDir 'wider/wider.pt'
        $mixed = Join-Path $script:runDir 'gated2/model.json'
        $made = & $join -ModelPath $script:model -HighSnrModelPath $wide -GateSnr 100 -OutputPath $mixed -MainPrecision float16
        $made.MainPrecision | Should -Be 'float16'
        $made.HighSnrArchitecture.BaseChannels | Should -Be 6
        $r = $signals | Invoke-NmrUnetInversion -ModelPath $mixed
        $r.HighSnrNetwork | Should -Be @($false, $true)
        ($r[0] | Measure-NmrChi -Reference $low.Distribution).Chi2D | Should -BeLessThan 1e-4
        ($r[1] | Measure-NmrChi -Reference ($signals[1] | Invoke-NmrUnetInversion -ModelPath $wide).Distribution).Chi2D | Should -BeLessThan 1e-4
    }

    It 'formats results as a table with the misfit' {
        $r = New-NmrDistribution -Component @(-1, 0.15, -2, 0.15, 1) -Points 16 | New-NmrSignal -Snr 100 -Seed 1 @grid | Invoke-NmrUnetInversion -ModelPath $script:model
        $text = $r | Format-Table | Out-String
        $text | Should -Match 'Misfit'
        $text | Should -Match 'tiny'
    }
}

Describe 'Invoke-NmrUnetInversion memory' {
    It 'keeps managed heap and resident memory flat over 1,000 calls (no tensors left behind)' {
        $signal = New-NmrDistribution -Component @(-1, 0.15, -2, 0.15, 1) -Points 16 | New-NmrSignal -Snr 100 -Seed 1 @grid
        1..100 | ForEach-Object { $null = $signal | Invoke-NmrUnetInversion -ModelPath $script:model }   # warm-up
        [GC]::Collect(); [GC]::WaitForPendingFinalizers(); [GC]::Collect()
        $proc = [Diagnostics.Process]::GetCurrentProcess()
        $heap0 = [GC]::GetTotalMemory($true); $proc.Refresh(); $rss0 = $proc.WorkingSet64
        for ($k = 0; $k -lt 1000; $k++) { $null = $signal | Invoke-NmrUnetInversion -ModelPath $script:model }
        [GC]::Collect(); [GC]::WaitForPendingFinalizers(); [GC]::Collect()
        $heap1 = [GC]::GetTotalMemory($true); $proc.Refresh(); $rss1 = $proc.WorkingSet64
        Write-Host ("    1,000 U-Net calls: heap {0:F1} -> {1:F1} MB, RSS {2:F1} -> {3:F1} MB" -f ($heap0 / 1MB), ($heap1 / 1MB), ($rss0 / 1MB), ($rss1 / 1MB))
        ($heap1 - $heap0) | Should -BeLessThan 2MB
        ($rss1 - $rss0) | Should -BeLessThan 40MB
    }
}
