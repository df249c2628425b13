# The shipped network (pretrained/model.pt + model.json): its identity and its benchmark chi, pinned.
# Any change that alters what the shipped model returns (weights, inputs, normalisation, kernels, noise seeds) fails here.
# When a better model ships, re-pin with the numbers its model card (pretrained/README.md) reports.
BeforeDiscovery {
    $script:shipped = Test-Path (Join-Path $PSScriptRoot '../../pretrained/model.json')
}

BeforeAll {
    Import-Module "$PSScriptRoot/../../NmrInversion.psd1" -Force
    $root = Split-Path (Split-Path $PSScriptRoot)
    $script:cardPath = Join-Path $root 'pretrained/model.json'
    # 2D chi at SNR 200 (seed 1, the benchmark's signals), presets A-H, measured when the model was committed.
    $script:pinned = [ordered]@{
        A = 0.3589830736107333; B = 0.8722056702182942; C = 0.7161510808380808; D = 1.0193690377492195; E = 0.36989998784012856; F = 0.1846331562819049; G = 0.15257477783667517; H = 0.30948061838029106
    }
}

Describe 'The shipped U-Net' -Skip:(-not $script:shipped) {
    BeforeAll {
        # The benchmark's 24 signals exactly as Reproduce-Paper.ps1 makes them (noise seeds follow the position in the call).
        $signals = New-NmrDistribution -Preset A, B, C, D, E, F, G, H | New-NmrSignal -Snr 20, 200, 2000 -Seed 1
        $at200 = @($signals | Where-Object Snr -EQ 200)
        $script:chi = @{}
        foreach ($c in $at200 | Invoke-NmrUnetInversion -WarningAction SilentlyContinue | Measure-NmrChi) { $script:chi[$c.Preset] = $c }
    }

    It 'has a model card that matches its weights and names its recipe' {
        $card = Get-Content $script:cardPath -Raw | ConvertFrom-Json
        $weights = Join-Path (Split-Path $script:cardPath) $card.WeightsFile
        (Get-FileHash $weights -Algorithm SHA256).Hash.ToLowerInvariant() | Should -Be $card.WeightsSha256
        (Get-Item $weights).Length | Should -BeLessThan 50MB
        $card.Inputs.Configuration | Should -Be 'Recipe'
        $card.Training.Samples | Should -BeGreaterThan 100000
    }

    It 'is used by Invoke-NmrUnetInversion with no parameters' {
        $r = New-NmrDistribution -Preset C | New-NmrSignal -Snr 200 -Seed 1 | Invoke-NmrUnetInversion -WarningAction SilentlyContinue
        $r.ModelPath | Should -Be (Join-Path (Split-Path $script:cardPath) 'model.pt')
    }

    It 'reproduces its pinned SNR-200 benchmark chi within 1% (preset <_>)' -ForEach @('A', 'B', 'C', 'D', 'E', 'F', 'G', 'H') {
        $chi = $script:chi[$_]
        $chi.Snr | Should -Be 200
        $chi.Chi2D | Should -BeGreaterThan (0.99 * $script:pinned[$_])
        $chi.Chi2D | Should -BeLessThan (1.01 * $script:pinned[$_])
    }
}
