ÿÿÿÿÿÿÿÿÿÿÿthis is not a tensor
